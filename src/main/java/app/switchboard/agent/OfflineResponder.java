package app.switchboard.agent;

import app.switchboard.concurrent.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the model when there is no API key (the demo) and in load tests: a short,
 * deterministic reply chosen from the caller's last words, streamed a word at a time at a
 * speaking-like pace so a caller can interrupt it mid-answer.
 */
public final class OfflineResponder implements LlmClient {

    private static final Pattern WORDS = Pattern.compile("\\S+\\s*");

    private final Duration interval;
    private final ScheduledExecutorService ticker;

    /** @param tokensPerSecond pace of the stream; 0 or less streams as fast as possible */
    public OfflineResponder(double tokensPerSecond) {
        this.interval = tokensPerSecond <= 0 ? Duration.ZERO
                : Duration.ofNanos((long) (1_000_000_000L / tokensPerSecond));
        this.ticker = Executors.newScheduledThreadPool(2, Threads.numbered("offline-responder-"));
    }

    @Override
    public String describe() {
        return "offline responder";
    }

    @Override
    public Stream stream(Request request, Listener listener) {
        List<String> tokens = tokens(reply(request.messages()));
        listener.onRequestSent();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable emit = () -> {
            if (done.get()) {
                return;
            }
            int i = next.getAndIncrement();
            if (i < tokens.size()) {
                listener.onToken(tokens.get(i));
            } else if (done.compareAndSet(false, true)) {
                ScheduledFuture<?> f = task.get();
                if (f != null) {
                    f.cancel(false);
                }
                listener.onComplete();
            }
        };
        if (interval.isZero()) {
            ticker.execute(() -> {
                while (!done.get()) {
                    emit.run();
                }
            });
        } else {
            // A first-token delay like a model's keeps latency figures honest in the demo.
            task.set(ticker.scheduleAtFixedRate(emit, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS));
        }
        return () -> {
            done.set(true);
            ScheduledFuture<?> f = task.get();
            if (f != null) {
                f.cancel(false);
            }
        };
    }

    /** The deterministic reply for a conversation; visible for tests. */
    public static String reply(List<ChatMessage> messages) {
        String said = "";
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER) {
                said = messages.get(i).content();
                break;
            }
        }
        String s = said.toLowerCase(Locale.ROOT);
        if (s.isBlank()) {
            return "Sorry, I did not catch that. Could you say it again?";
        }
        if (s.contains("hola") || s.contains("factura") || s.contains("español") || s.contains("gracias")) {
            return "Claro, con gusto le ayudo. Su última factura fue de veinte dólares y vence el día quince. "
                    + "¿Hay algo más en lo que pueda ayudarle?";
        }
        if (s.contains("human") || s.contains("manager") || s.contains("agent") || s.contains("person")) {
            return "I understand you would like to speak with a person. Let me note that for my supervisor, "
                    + "and in the meantime I can keep helping you with anything I can.";
        }
        if (s.contains("bill") || s.contains("charge") || s.contains("invoice") || s.contains("payment")) {
            return "Your last bill was twenty dollars and forty cents, due on the fifteenth. "
                    + "The charge you see covers your monthly plan and one international call. "
                    + "Would you like me to set up automatic payments so you never miss a due date?";
        }
        if (s.contains("pressed") || s.matches(".*\\b[0-9#*]\\b.*")) {
            return "Thank you. You chose option " + lastDigit(s) + ". I am opening that menu for you now.";
        }
        if (s.contains("hours") || s.contains("open")) {
            return "We are open Monday to Friday from eight in the morning to six in the evening, "
                    + "and on Saturdays from nine to one.";
        }
        if (s.contains("bye") || s.contains("thank")) {
            return "You are welcome. Thank you for calling, and have a good day.";
        }
        return "Thanks for calling. I can help with bills, payments, opening hours and your account. "
                + "You said: " + said.strip() + ". Could you tell me a little more about what you need?";
    }

    private static String lastDigit(String s) {
        Matcher m = Pattern.compile("[0-9#*]").matcher(s);
        String digit = "one";
        while (m.find()) {
            digit = m.group();
        }
        return digit;
    }

    /** Splits into word tokens that keep their trailing space, as a model's tokens do. */
    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = WORDS.matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
