package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import app.switchboard.sim.SimulatedCall.Close;
import app.switchboard.sim.SimulatedCall.Frame;
import app.switchboard.sim.SimulatedCall.Sent;
import app.switchboard.sim.SimulatedCall.Turn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What one {@link SimulatedCall} saw on its socket: every frame received with its
 * {@link System#nanoTime()} arrival time, every frame sent, how the socket closed, and what
 * the app's frames did to the caller's play queue. Frames can be awaited from a mark
 * ({@link #frameAfter}, {@link #turnAfter}).
 *
 * <p>Guarded by the call's one lock, shared with {@link CallSocket} and {@link StrictFrameReader}:
 * a frame's arrival, its check and the waiters it completes, and a close with the waiters it
 * fails, are each one step against the socket's own state. Every method takes the lock (it is
 * reentrant), so callers already holding it may call in.
 */
final class FrameLog {

    private final Object lock;

    // Guarded by lock.
    private final List<Frame> received = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final PlayQueue playQueue;
    private String ttsLanguage;
    private Close close;
    private long setupNanos;
    private String handoffData;
    private boolean endReceived;

    private record Waiter(int from, Predicate<Frame> condition, CompletableFuture<Frame> future) {
    }

    FrameLog(Object lock, double charsPerSecond) {
        this.lock = lock;
        this.playQueue = new PlayQueue(charsPerSecond);
    }

    // ---- recording ----

    /** Appends a received frame; {@code message} is null when it failed Twilio's checks. */
    Frame receive(long nanos, String raw, OutboundMessage message, String invalidReason) {
        synchronized (lock) {
            Frame frame = new Frame(received.size(), nanos, raw, message, invalidReason);
            received.add(frame);
            return frame;
        }
    }

    /** Removes and returns the waiters {@code frame} satisfies; complete them outside the lock. */
    List<CompletableFuture<Frame>> takeWaitersFor(Frame frame) {
        List<CompletableFuture<Frame>> ready = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (frame.index() >= w.from() && w.condition().test(frame)) {
                    ready.add(w.future());
                    it.remove();
                }
            }
        }
        return ready;
    }

    /** What a valid app frame does to what the caller hears. */
    void play(OutboundMessage message, long now) {
        synchronized (lock) {
            if (message instanceof OutboundMessage.Text t) {
                playQueue.text(t.token(), t.last(), t.preemptible(), now);
            } else if (message instanceof OutboundMessage.Play p) {
                playQueue.play(p.loop(), p.preemptible(), now);
            } else if (message instanceof OutboundMessage.SendDigits d) {
                playQueue.digits(d.digits(), now);
            } else if (message instanceof OutboundMessage.Language l && l.ttsLanguage() != null) {
                ttsLanguage = l.ttsLanguage();
            }
        }
    }

    void endReceived(String handoff) {
        synchronized (lock) {
            endReceived = true;
            handoffData = handoff;
        }
    }

    boolean endReceived() {
        synchronized (lock) {
            return endReceived;
        }
    }

    /** A frame handed to the socket; the session's duration counts from the {@code setup}. */
    void sent(long nanos, InboundMessage message, String raw) {
        synchronized (lock) {
            sent.add(new Sent(nanos, message, raw));
            if (message instanceof InboundMessage.Setup) {
                setupNanos = nanos;
            }
        }
    }

    /** Whole seconds since {@code setup} was sent, 0 before. */
    long sessionSeconds() {
        synchronized (lock) {
            return setupNanos == 0 ? 0 : (System.nanoTime() - setupNanos) / 1_000_000_000L;
        }
    }

    /** Records the close and hands back every pending waiter, to fail outside the lock. */
    List<CompletableFuture<Frame>> closed(Close c) {
        synchronized (lock) {
            close = c;
            List<CompletableFuture<Frame>> pending = waiters.stream().map(Waiter::future).toList();
            waiters.clear();
            return pending;
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException("socket closed before it came: " + close);
    }

    // ---- the play queue, as the caller hears it ----

    // The clock is read under the lock, so the queue's state and the instant belong together.

    PlayQueue.Heard bargeIn() {
        synchronized (lock) {
            return playQueue.bargeIn(System.nanoTime());
        }
    }

    String heard() {
        synchronized (lock) {
            return playQueue.heard(System.nanoTime()).utterance();
        }
    }

    boolean speaking() {
        synchronized (lock) {
            return playQueue.speaking(System.nanoTime());
        }
    }

    Duration speechRemaining() {
        synchronized (lock) {
            return Duration.ofNanos(playQueue.remainingNanos(System.nanoTime()));
        }
    }

    // ---- reading ----

    int mark() {
        synchronized (lock) {
            return received.size();
        }
    }

    List<Frame> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    List<Sent> sent() {
        synchronized (lock) {
            return List.copyOf(sent);
        }
    }

    List<Frame> invalidFrames() {
        synchronized (lock) {
            return received.stream().filter(f -> !f.valid()).toList();
        }
    }

    Optional<Close> closeStatus() {
        synchronized (lock) {
            return Optional.ofNullable(close);
        }
    }

    String ttsLanguage() {
        synchronized (lock) {
            return ttsLanguage;
        }
    }

    String handoffData() {
        synchronized (lock) {
            return handoffData;
        }
    }

    /** Completes with the first frame at index {@code from} or later that matches. */
    CompletableFuture<Frame> frameAfter(int from, Predicate<Frame> condition) {
        CompletableFuture<Frame> future = new CompletableFuture<>();
        synchronized (lock) {
            for (int i = from; i < received.size(); i++) {
                if (condition.test(received.get(i))) {
                    future.complete(received.get(i));
                    return future;
                }
            }
            if (close != null) {
                future.completeExceptionally(closedException());
                return future;
            }
            waiters.add(new Waiter(from, condition, future));
        }
        return future;
    }

    /** Completes with the app's next complete talk cycle starting at frame {@code from}. */
    CompletableFuture<Turn> turnAfter(int from) {
        return frameAfter(from, Frame::endsTurn).thenApply(last -> {
            synchronized (lock) {
                List<Frame> frames = received.subList(from, last.index() + 1).stream()
                        .filter(Frame::isText).toList();
                String text = frames.stream().map(f -> f.text().token()).collect(Collectors.joining());
                return new Turn(text, frames);
            }
        });
    }

    /** A one-line account of the session so far, for failure messages. */
    String describe(String callSid) {
        synchronized (lock) {
            String last = received.stream().skip(Math.max(0, received.size() - 5)).map(Frame::raw)
                    .collect(Collectors.joining(" | "));
            return "call " + callSid + ": " + received.size() + " frames received (last: " + last
                    + "), " + sent.size() + " sent, close=" + close;
        }
    }
}
