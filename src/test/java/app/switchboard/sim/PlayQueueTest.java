package app.switchboard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the simulated caller has heard, on a test clock: 10 characters a second. */
class PlayQueueTest {

    private static final long MS = 1_000_000L;
    private final PlayQueue queue = new PlayQueue(10);

    @Test
    void heardIsWhatWasSpokenAtTheSpeakingRateCutToWholeWords() {
        queue.text("Your bill ", false, true, 0);
        queue.text("is twenty dollars.", true, true, 0);
        // 1.2 s at 10 chars/s: "Your bill is" (12 chars): "is" complete, the next word not begun.
        assertEquals("Your bill is", queue.heard(1200 * MS).utterance());
        // 1.5 s: "Your bill is tw" – a half-spoken word is not heard.
        assertEquals("Your bill is", queue.heard(1500 * MS).utterance());
        assertEquals(1500, queue.heard(1500 * MS).durationMs());
    }

    @Test
    void tokensQueueBehindWhatIsPlaying() {
        queue.text("One two ", false, true, 0);
        // Arrives after the first token finished playing (0.8 s): it plays from its arrival.
        queue.text("three four.", true, true, 2000 * MS);
        assertEquals("One two", queue.heard(2100 * MS).utterance());
        assertEquals("One two three", queue.heard(2700 * MS).utterance());
    }

    @Test
    void bargeInPurgesTheWholeQueue() {
        queue.text("A long answer that goes on and on.", true, true, 0);
        PlayQueue.Heard heard = queue.bargeIn(700 * MS);
        assertEquals("A long", heard.utterance());
        assertFalse(queue.speaking(800 * MS));
        assertEquals("", queue.heard(800 * MS).utterance());
    }

    @Test
    void aPreemptibleMessageIsCutByTheNextMessage() {
        queue.text("Please hold while I look that up for you.", true, true, 0);
        queue.text("Hi.", true, false, 1000 * MS);
        // The first message stopped after "Please hol"; "Hi." plays next and is all that remains.
        assertEquals("Hi.", queue.heard(1300 * MS).utterance());
        assertFalse(queue.speaking(1300 * MS));
    }

    @Test
    void aMessageThatIsNotPreemptibleKeepsPlayingAndTheNextOneQueues() {
        queue.text("Please hold while I look that up.", true, false, 0);
        queue.text("Hi.", true, true, 1000 * MS);
        assertEquals("Please hold while I look that up", queue.heard(3200 * MS).utterance());
        assertTrue(queue.speaking(3400 * MS));
        assertEquals("Hi.", queue.heard(3700 * MS).utterance());
    }

    @Test
    void digitsWaitInTheSameQueue() {
        queue.text("Dialing.", true, false, 0);
        queue.digits("12w", 0);
        // 0.8 s of speech, then 0.1 + 0.1 + 0.5 s of tones.
        assertTrue(queue.speaking(1400 * MS));
        assertFalse(queue.speaking(1600 * MS));
    }
}
