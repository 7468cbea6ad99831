package app.switchboard.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Twilio's side of the speech: the one queue in which {@code text}, {@code play} and
 * {@code sendDigits} wait to be spoken (protocol.md §3.3), played at a simulated speaking rate.
 * It answers the question a barge-in needs answered: what has the caller heard so far.
 *
 * <p>Rules taken from the recorded calls: tokens are spoken as they arrive and queue behind what
 * is playing; a message is every frame up to one with {@code last:true}; a new message cuts the
 * one playing when that one was marked {@code preemptible} (§3.1); a barge-in purges the whole
 * queue (§2.4). Times are {@link System#nanoTime()} values passed in, so the model can be
 * driven by a test clock. Not thread-safe: its owner serialises access.
 */
final class PlayQueue {

    /** Assumed length of one loop of a {@code play} URL; the simulator does not fetch audio. */
    static final long PLAY_LOOP_NANOS = 3_000_000_000L;
    private static final long DIGIT_NANOS = 100_000_000L;
    private static final long PAUSE_NANOS = 500_000_000L;

    private final double charsPerSecond;
    private final List<Item> items = new ArrayList<>();
    /** When {@code items.get(0)} began (or begins) to play. */
    private long headStart;
    private int messageCount;
    /** True while the last text frame had {@code last:false}: more of the same message follows. */
    private boolean messageOpen;
    /** The finished part of the message being (or last) played, and when it started and ended. */
    private final StringBuilder heardText = new StringBuilder();
    private int heardMessage = -1;
    private long heardStart;
    private long heardEnd;

    private record Item(String text, long duration, boolean preemptible, int message) {
    }

    /** What a barge-in reports: the words heard of the message playing, and for how long it played. */
    record Heard(String utterance, long durationMs) {
    }

    PlayQueue(double charsPerSecond) {
        if (charsPerSecond <= 0) {
            throw new IllegalArgumentException("speaking rate must be positive");
        }
        this.charsPerSecond = charsPerSecond;
    }

    void text(String token, boolean last, Boolean preemptible, long now) {
        boolean newMessage = !messageOpen;
        long duration = (long) (token.length() * 1_000_000_000L / charsPerSecond);
        enqueue(token, duration, Boolean.TRUE.equals(preemptible), newMessage, now);
        messageOpen = !last;
    }

    void digits(String digits, long now) {
        long duration = 0;
        for (char c : digits.toCharArray()) {
            duration += c == 'w' ? PAUSE_NANOS : DIGIT_NANOS;
        }
        enqueue("", duration, false, true, now);
        messageOpen = false;
    }

    void play(Integer loop, Boolean preemptible, long now) {
        int loops = loop == null ? 1 : loop == 0 ? 1000 : loop;
        enqueue("", PLAY_LOOP_NANOS * loops, Boolean.TRUE.equals(preemptible), true, now);
        messageOpen = false;
    }

    /** True while something is being spoken or played at {@code now}. */
    boolean speaking(long now) {
        settle(now);
        return !items.isEmpty();
    }

    /** How long, from {@code now}, until everything queued has been played (0 when silent). */
    long remainingNanos(long now) {
        settle(now);
        long total = 0;
        for (Item item : items) {
            total += item.duration();
        }
        return Math.max(0, total - (now - headStart));
    }

    /**
     * The words of the message playing at {@code now} that have been spoken, cut to whole
     * words; once nothing plays, the whole of the last message.
     */
    Heard heard(long now) {
        settle(now);
        if (items.isEmpty()) {
            return new Heard(heardText.toString().strip(), Math.max(0, heardEnd - heardStart) / 1_000_000L);
        }
        Item playing = items.get(0);
        StringBuilder heard = new StringBuilder();
        long messageStart = headStart;
        if (playing.message() == heardMessage) {
            heard.append(heardText);
            messageStart = heardStart;
        }
        long elapsed = Math.max(0, now - headStart);
        int chars = (int) Math.min(playing.text().length(), elapsed * charsPerSecond / 1_000_000_000L);
        heard.append(playing.text(), 0, chars);
        // A word half spoken is not yet a word heard.
        if (chars < playing.text().length() && Character.isLetterOrDigit(playing.text().charAt(chars))) {
            int cut = heard.length();
            while (cut > 0 && !Character.isWhitespace(heard.charAt(cut - 1))) {
                cut--;
            }
            heard.setLength(cut);
        }
        return new Heard(heard.toString().strip(), Math.max(0, now - messageStart) / 1_000_000L);
    }

    /** The caller barged in: report what was heard and purge everything queued. */
    Heard bargeIn(long now) {
        Heard heard = heard(now);
        items.clear();
        messageOpen = false;
        heardText.setLength(0);
        heardMessage = -1;
        return heard;
    }

    private void enqueue(String text, long duration, boolean preemptible, boolean newMessage, long now) {
        settle(now);
        if (items.isEmpty()) {
            headStart = now;
        } else if (newMessage && items.get(0).preemptible()) {
            // The playing message may be cut by the next one: keep what was spoken, drop the rest.
            Item playing = items.get(0);
            long elapsed = Math.max(0, now - headStart);
            int chars = (int) Math.min(playing.text().length(), elapsed * charsPerSecond / 1_000_000_000L);
            items.clear();
            items.add(new Item(playing.text().substring(0, chars), elapsed, true, playing.message()));
        }
        if (newMessage) {
            messageCount++;
        }
        items.add(new Item(text, duration, preemptible, messageCount));
    }

    /** Moves what has finished playing by {@code now} out of the queue into what was heard. */
    private void settle(long now) {
        while (!items.isEmpty() && now - headStart >= items.get(0).duration()) {
            Item done = items.remove(0);
            if (done.message() != heardMessage) {
                heardMessage = done.message();
                heardText.setLength(0);
                heardStart = headStart;
            }
            heardText.append(done.text());
            headStart += done.duration();
            heardEnd = headStart;
        }
    }
}
