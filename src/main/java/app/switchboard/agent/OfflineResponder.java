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

    /**
     * A subject callers ask about, recognised by its words; {@code answers} are said in turn when
     * the caller comes back to the same subject in one call (the last one repeats), so a caller
     * who insists hears the conversation move on instead of the same sentence.
     */
    record Topic(String name, Pattern words, List<String> answers) {
        static Topic of(String name, String wordsRegex, String... answers) {
            return new Topic(name, Pattern.compile(wordsRegex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), List.of(answers));
        }

        boolean matches(String said) {
            return words.matcher(said).find();
        }
    }

    private static final String W = "(?<![\\p{L}])"; // a word starts here (accented letters count as letters)

    /**
     * Spanish first (its words would not match the English ones), then the most specific subjects:
     * "when is the payment due" is about a due date before it is about payments, and "thanks" only
     * closes a call when nothing else was asked in the same breath.
     */
    static final List<Topic> SPANISH = List.of(
            Topic.of("due date (es)", W + "(vence|vencimiento|cu[aá]ndo)",
                    "El pago de su factura vence el día quince de este mes. Puede pagar con tarjeta por teléfono o en la web."),
            Topic.of("billing (es)", W + "(factura|cargo|cobro|pago)",
                    "Claro, con gusto le ayudo. Su última factura fue de veinte dólares y vence el día quince. "
                            + "¿Hay algo más en lo que pueda ayudarle?"),
            Topic.of("goodbye (es)", W + "(gracias|adi[oó]s|hasta luego)",
                    "De nada. Gracias por llamar y que tenga un buen día."),
            Topic.of("greeting (es)", W + "(hola|buenos|buenas|español)",
                    "Hola, con gusto le atiendo en español. ¿En qué puedo ayudarle?"));

    static final List<Topic> ENGLISH = List.of(
            Topic.of("human", W + "(human|manager|supervisor|real person|a person|representative|operator|someone real)",
                    "I understand you would like to speak with a person. Let me note that for my supervisor, "
                            + "and in the meantime I can keep helping you with anything I can.",
                    "I have flagged your call for a supervisor, who can join this call at any moment. "
                            + "While you wait, is there anything I can look up for you?",
                    "You will be put through to a person as soon as one is free. Thank you for your patience."),
            Topic.of("keypad", "pressed|" + W + "[0-9#*](?![\\p{L}0-9])",
                    "KEYPAD"),
            Topic.of("parcel", W + "(parcel|package|delivery|deliver|delivered|shipment|shipping|courier|tracking|order)",
                    "I am sorry your parcel has not arrived. I can see it was handed to the courier on Monday and "
                            + "it is at the local depot now. It should be with you tomorrow before noon; "
                            + "I will text you the tracking link.",
                    "If it does not arrive by tomorrow evening, we will send a replacement free of charge. "
                            + "Would you like me to arrange that now?"),
            Topic.of("password", W + "(password|log ?in|sign ?in|locked out|reset|account access|pin code)",
                    "I can help you reset your password. I have just sent a reset link by text to the number on your "
                            + "account; it is valid for thirty minutes.",
                    "Once you open the link, choose a new password of at least twelve characters. "
                            + "If the link does not arrive, I can send it by email instead."),
            Topic.of("hours", W + "(hours|open|opening|close|closing|weekend|saturday|sunday)",
                    "We are open Monday to Friday from eight in the morning to six in the evening, "
                            + "and on Saturdays from nine to one."),
            Topic.of("due date", W + "(due|due date|deadline|late|later|when .*pay)",
                    "Your payment is due on the fifteenth of this month. Paying a few days late adds no fee the first time."),
            Topic.of("charge", W + "(charge|charges|charged|extra|fee|fees|more than usual)",
                    "The extra charge this month is one international call to Spain, four dollars and twenty cents. "
                            + "Everything else is your usual monthly plan."),
            Topic.of("payment", W + "(pay|paying|payment|card)",
                    "Of course. You can pay by card right now: press one to pay by card, or two to pay by bank transfer.",
                    "Your payment is being taken care of. Would you like me to set up automatic payments so you never miss a due date?"),
            Topic.of("billing", W + "(bill|bills|billing|invoice|statement)",
                    "Your last bill was twenty dollars and forty cents, due on the fifteenth. "
                            + "The charge you see covers your monthly plan and one international call. "
                            + "Would you like me to set up automatic payments so you never miss a due date?"),
            Topic.of("outage", W + "(internet|outage|no signal|signal|network|no service|down)",
                    "There is a network outage in your area since this morning. Our engineers expect it to be fixed "
                            + "by four this afternoon, and you will get a text when it is."),
            Topic.of("cancel", W + "(cancel|cancellation|terminate|leave)",
                    "I can help with that. Your contract can be cancelled with thirty days' notice; "
                            + "before I do, may I ask what made you want to leave?"),
            Topic.of("goodbye", W + "(bye|goodbye|thank|thanks|that's all|that is all)",
                    "You are welcome. Thank you for calling, and have a good day."));

    private static final Pattern SPANISH_HINT = Pattern.compile(
            W + "(hola|factura|español|gracias|cuándo|cuando|vence|adiós|adios|pago|usted|tengo|pregunta)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /** The deterministic reply for a conversation; visible for tests. */
    public static String reply(List<ChatMessage> messages) {
        List<String> callerTurns = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (m.role() == ChatMessage.Role.USER) {
                callerTurns.add(m.content() == null ? "" : m.content());
            }
        }
        String said = callerTurns.isEmpty() ? "" : callerTurns.get(callerTurns.size() - 1);
        String s = said.toLowerCase(Locale.ROOT);
        if (s.isBlank()) {
            return "Sorry, I did not catch that. Could you say it again?";
        }
        Topic topic = topicOf(s);
        if (topic == null && SPANISH_HINT.matcher(s).find()) {
            return "Disculpe, ¿podría contarme un poco más sobre lo que necesita? Puedo ayudarle con facturas y pagos.";
        }
        if (topic == null) {
            return "Thanks for calling. I can help with bills, payments, deliveries, passwords, opening hours and your account. "
                    + "You said: " + said.strip() + ". Could you tell me a little more about what you need?";
        }
        if (topic.name().equals("keypad")) {
            return keypadAnswer(firstDigit(s));
        }
        // Earlier caller turns on the same subject move the answer on.
        long before = callerTurns.subList(0, callerTurns.size() - 1).stream()
                .filter(t -> topic == topicOf(t.toLowerCase(Locale.ROOT))).count();
        return topic.answers().get((int) Math.min(before, topic.answers().size() - 1));
    }

    /** The subject of one caller turn, or null when none is recognised. */
    static Topic topicOf(String said) {
        List<Topic> topics = SPANISH_HINT.matcher(said).find() ? SPANISH : ENGLISH;
        for (Topic t : topics) {
            if (t.matches(said)) {
                return t;
            }
        }
        return null;
    }

    private static String keypadAnswer(String digit) {
        return switch (digit) {
            case "1" -> "Thank you. You chose option 1, pay by card. I am taking the payment of twenty dollars and forty cents now.";
            case "2" -> "Thank you. You chose option 2, bank transfer. I will text you our bank details and your reference number.";
            default -> "Thank you. You chose option " + digit + ". I am opening that menu for you now.";
        };
    }

    /** The menu choice: the first key of what was pressed ("pressed 1 2" chose 1). */
    private static String firstDigit(String s) {
        Matcher m = Pattern.compile("[0-9#*]").matcher(s);
        return m.find() ? m.group() : "one";
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
