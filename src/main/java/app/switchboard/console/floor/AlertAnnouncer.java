package app.switchboard.console.floor;

import app.switchboard.concurrent.Threads;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.SourceDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the supervisor a new alert came when they may not be looking: a short tone (javax.sound:
 * the app has no javafx-media) and, where the platform has a notification area, a desktop
 * notification ({@link java.awt.SystemTray}). Both run on one daemon thread the announcer owns,
 * never on the FX thread, and neither can fail the console: a machine without an audio device
 * (CI, a server) or without a tray simply gets neither, said once in the log.
 */
public final class AlertAnnouncer implements Consumer<List<AlertsViewModel.OpenAlert>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertAnnouncer.class);
    /** Turns the desktop notification off ({@code -Dswitchboard.desktopNotifications=false}). */
    static final String DESKTOP_PROPERTY = "switchboard.desktopNotifications";
    static final float SAMPLE_RATE = 22_050f;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(Threads.named("alert-announcer"));
    private final boolean sound;
    private final boolean desktop;
    private volatile boolean soundUnavailable;
    private volatile boolean desktopUnavailable;
    /** The tray icon, made on first use (AWT); only the worker touches it. */
    private java.awt.TrayIcon trayIcon;

    public AlertAnnouncer(boolean sound, boolean desktop) {
        this.sound = sound;
        this.desktop = desktop && !"false".equalsIgnoreCase(System.getProperty(DESKTOP_PROPERTY));
    }

    /** Sound on; a desktop notification where the platform has one and the JVM is not headless. */
    public static AlertAnnouncer standard() {
        return new AlertAnnouncer(true, true);
    }

    /** New alerts arrived (FX thread): one tone and one notification for the whole batch. */
    @Override
    public void accept(List<AlertsViewModel.OpenAlert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        AlertsViewModel.OpenAlert first = alerts.get(0);
        String title = alerts.size() == 1 ? "Switchboard alert: " + first.severity().key()
                : "Switchboard: " + alerts.size() + " new alerts";
        String text = alerts.size() == 1 ? first.text() : first.text() + " (and " + (alerts.size() - 1) + " more)";
        try {
            worker.execute(() -> {
                if (sound) {
                    beep();
                }
                if (desktop) {
                    notifyDesktop(title, text, first.severity());
                }
            });
        } catch (RejectedExecutionException closed) {
            // the window is closing
        }
    }

    /**
     * Plays the tone on the worker; completes with true when it played, false when there is no
     * audio device (or sound is off). Never completes exceptionally.
     */
    public CompletableFuture<Boolean> beepAsync() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            worker.execute(() -> done.complete(beep()));
        } catch (RejectedExecutionException closed) {
            done.complete(false);
        }
        return done;
    }

    /** Two short rising tones (about 0.25 s); false when no line could be opened. */
    boolean beep() {
        if (soundUnavailable) {
            return false;
        }
        try {
            AudioFormat format = new AudioFormat(SAMPLE_RATE, 8, 1, true, false);
            byte[] tone = tone(format, 880, 110);
            byte[] second = tone(format, 1175, 140);
            try (SourceDataLine line = AudioSystem.getSourceDataLine(format)) {
                line.open(format, tone.length + second.length);
                line.start();
                line.write(tone, 0, tone.length);
                line.write(second, 0, second.length);
                line.drain();
            }
            return true;
        } catch (Exception | LinkageError e) {
            // No mixer (IllegalArgumentException), a busy or missing device (LineUnavailableException),
            // no java.desktop in a trimmed runtime: the banner still shows the alert.
            soundUnavailable = true;
            LOG.info("No alert sound on this machine ({}); alerts show in the window only", e.toString());
            return false;
        }
    }

    static byte[] tone(AudioFormat format, double hz, int millis) {
        int samples = (int) (format.getSampleRate() * millis / 1000);
        byte[] data = new byte[samples];
        for (int i = 0; i < samples; i++) {
            double fade = Math.min(1, Math.min(i, samples - i) / (format.getSampleRate() * 0.01));
            data[i] = (byte) (Math.sin(2 * Math.PI * hz * i / format.getSampleRate()) * 60 * fade);
        }
        return data;
    }

    private void notifyDesktop(String title, String text, app.switchboard.call.AlertRule.Severity severity) {
        if (desktopUnavailable) {
            return;
        }
        try {
            if (java.awt.GraphicsEnvironment.isHeadless() || !java.awt.SystemTray.isSupported()) {
                desktopUnavailable = true;
                LOG.info("No desktop notification area here; alerts show in the window only");
                return;
            }
            if (trayIcon == null) {
                java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 16,
                        java.awt.image.BufferedImage.TYPE_INT_ARGB);
                java.awt.Graphics2D g = image.createGraphics();
                g.setColor(new java.awt.Color(0xC0, 0x39, 0x2B));
                g.fillOval(1, 1, 14, 14);
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(7, 3, 2, 7);
                g.fillRect(7, 11, 2, 2);
                g.dispose();
                trayIcon = new java.awt.TrayIcon(image, "Switchboard alerts");
                trayIcon.setImageAutoSize(true);
                java.awt.SystemTray.getSystemTray().add(trayIcon);
            }
            trayIcon.displayMessage(title, text, switch (severity) {
                case INFO -> java.awt.TrayIcon.MessageType.INFO;
                case WARNING -> java.awt.TrayIcon.MessageType.WARNING;
                case CRITICAL -> java.awt.TrayIcon.MessageType.ERROR;
            });
        } catch (Exception | LinkageError e) {
            desktopUnavailable = true;
            LOG.info("Desktop notifications unavailable ({}); alerts show in the window only", e.toString());
        }
    }

    /** Removes the tray icon and stops the worker. */
    @Override
    public void close() {
        try {
            worker.execute(() -> {
                if (trayIcon != null) {
                    try {
                        java.awt.SystemTray.getSystemTray().remove(trayIcon);
                    } catch (Exception | LinkageError ignored) {
                        // going away anyway
                    }
                    trayIcon = null;
                }
            });
        } catch (RejectedExecutionException already) {
            return;
        }
        worker.shutdown();
    }
}
