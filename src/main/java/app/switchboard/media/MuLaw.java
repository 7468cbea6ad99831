package app.switchboard.media;

/**
 * G.711 μ-law, the only encoding Twilio's Media Streams carry (8 kHz, 8 bits, mono). Decoding is
 * a 256-entry table; the test checks it against the JDK's own {@code AudioFormat.Encoding.ULAW}
 * conversion.
 */
public final class MuLaw {

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            int u = ~i & 0xFF;
            int sign = u & 0x80;
            int exponent = (u >> 4) & 0x07;
            int mantissa = u & 0x0F;
            int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
            DECODE[i] = (short) (sign != 0 ? -magnitude : magnitude);
        }
    }

    private MuLaw() {
    }

    public static short decode(byte mulaw) {
        return DECODE[mulaw & 0xFF];
    }

    public static short[] decode(byte[] mulaw) {
        short[] pcm = new short[mulaw.length];
        for (int i = 0; i < mulaw.length; i++) {
            pcm[i] = DECODE[mulaw[i] & 0xFF];
        }
        return pcm;
    }

    public static byte encode(short pcm) {
        int sample = pcm;
        int sign = 0;
        if (sample < 0) {
            sign = 0x80;
            sample = -sample;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        sample += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    public static byte[] encode(short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = encode(pcm[i]);
        }
        return out;
    }
}
