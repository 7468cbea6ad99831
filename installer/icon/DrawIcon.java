import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws Switchboard's icon (an operator's headset on a rounded tile) and writes every file the
 * installers use: PNGs for Linux, a multi-size .ico for Windows, an .icns for macOS.
 * Run from the project root: {@code java -Djava.awt.headless=true installer/icon/DrawIcon.java installer src/main/resources/icons}
 * (the second folder gets the window icons the console sets on its stages: 16, 32, 64 and 256 px).
 * The shapes are drawn at each size rather than scaled from one bitmap, so small sizes stay sharp.
 */
public final class DrawIcon {

    private static final Color TILE_TOP = new Color(0x2A7F9E);
    private static final Color TILE_BOTTOM = new Color(0x16324F);
    private static final Color HEADSET = new Color(0xF4F7FA);
    private static final Color MIC = new Color(0xF5B841);

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "installer");
        Files.createDirectories(out.resolve("icon"));
        Map<Integer, byte[]> png = new LinkedHashMap<>();
        for (int size : new int[] {16, 32, 48, 64, 128, 256, 512, 1024}) {
            png.put(size, pngBytes(draw(size)));
        }
        for (int size : new int[] {48, 64, 128, 256}) {
            Files.write(out.resolve("icon").resolve("switchboard-" + size + ".png"), png.get(size));
        }
        // jpackage on Linux takes one PNG (--icon); 256 px is what the menu and docks ask for.
        Files.write(out.resolve("switchboard.png"), png.get(256));
        Files.write(out.resolve("switchboard.ico"), ico(png, 16, 32, 48, 64, 128, 256));
        Files.write(out.resolve("switchboard.icns"), icns(png));
        if (args.length > 1) {
            Path window = Path.of(args[1]);
            Files.createDirectories(window);
            for (int size : new int[] {16, 32, 64, 256}) {
                Files.write(window.resolve("switchboard-" + size + ".png"), png.get(size));
            }
        }
    }

    static BufferedImage draw(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.scale(size / 256.0, size / 256.0);

        // Tile, with a small margin as desktop icon themes expect.
        g.setPaint(new GradientPaint(0, 8, TILE_TOP, 0, 248, TILE_BOTTOM));
        g.fill(new RoundRectangle2D.Double(8, 8, 240, 240, 56, 56));

        // Headband.
        g.setColor(HEADSET);
        g.setStroke(new BasicStroke(20, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Arc2D.Double(58, 52, 140, 140, 0, 180, Arc2D.OPEN));

        // Ear cups.
        g.fill(new RoundRectangle2D.Double(40, 112, 44, 70, 22, 22));
        g.fill(new RoundRectangle2D.Double(172, 112, 44, 70, 22, 22));

        // Microphone boom from the left cup towards the mouth, ending in the mic.
        Path2D boom = new Path2D.Double();
        boom.moveTo(62, 178);
        boom.curveTo(66, 214, 100, 214, 128, 210);
        g.setStroke(new BasicStroke(11, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(boom);
        g.setColor(MIC);
        g.fill(new Ellipse2D.Double(124, 196, 30, 28));
        g.dispose();
        return img;
    }

    static byte[] pngBytes(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }

    /** ICO with PNG-compressed entries (Windows Vista and later read these). */
    static byte[] ico(Map<Integer, byte[]> png, int... sizes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(6 + 16 * sizes.length).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
        int offset = 6 + 16 * sizes.length;
        for (int size : sizes) {
            byte[] data = png.get(size);
            header.put((byte) (size >= 256 ? 0 : size)).put((byte) (size >= 256 ? 0 : size));
            header.put((byte) 0).put((byte) 0).putShort((short) 1).putShort((short) 32);
            header.putInt(data.length).putInt(offset);
            offset += data.length;
        }
        out.write(header.array());
        for (int size : sizes) {
            out.write(png.get(size));
        }
        return out.toByteArray();
    }

    /** ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x). */
    static byte[] icns(Map<Integer, byte[]> png) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ic07", png.get(128));
        entries.put("ic08", png.get(256));
        entries.put("ic09", png.get(512));
        entries.put("ic10", png.get(1024));
        int total = 8;
        for (byte[] data : entries.values()) {
            total += 8 + data.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeChunkHeader(out, "icns", total);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            writeChunkHeader(out, e.getKey(), 8 + e.getValue().length);
            out.write(e.getValue());
        }
        return out.toByteArray();
    }

    private static void writeChunkHeader(OutputStream out, String type, int length) throws IOException {
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(length).array());
    }
}
