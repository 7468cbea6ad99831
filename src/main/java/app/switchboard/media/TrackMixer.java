package app.switchboard.media;

/**
 * Mixes the caller's and the agent's PCM (already aligned in time by the {@link JitterBuffer})
 * into what the listener hears: one side or both summed, at a volume, clipped to 16 bits.
 */
public final class TrackMixer {

    private TrackMixer() {
    }

    /** @param volume 0 (silent) to 1 (as received); values outside are clamped */
    public static short[] mix(short[] caller, short[] agent, Mix mix, double volume) {
        int n = Math.max(caller.length, agent.length);
        double gain = Math.max(0, Math.min(1, volume));
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            int c = i < caller.length && mix != Mix.AGENT ? caller[i] : 0;
            int a = i < agent.length && mix != Mix.CALLER ? agent[i] : 0;
            long sample = Math.round((c + a) * gain);
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
        }
        return out;
    }
}
