package app.switchboard.call;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The supervisor's attention rules ({@link AlertRule}) applied to one call: sees each of its
 * events ({@link #observe}) and, for the timed rules (silence, duration), the registry's timer
 * tick ({@link #tick}). Returns the {@link EventPayload.Alert}s to record. The rules are read
 * anew at every event and tick, so a rule changed in Settings applies to live calls at once.
 *
 * <p>Each rule fires once per call, except silence (again after the call has spoken since) and
 * sentiment (again after the caller's mood came back to neutral or better). Confined to the
 * call's executor, like everything a call owns.
 */
final class Alerting {

    /** How many of the caller's latest opinionated prompts make the rolling sentiment. */
    static final int SENTIMENT_WINDOW = 3;
    private static final Map<String, Pattern> PHRASES = new ConcurrentHashMap<>();
    /** Each phrase's first word, lower-cased; "" when it is not ASCII (the pattern then decides). */
    private static final Map<String, String> FIRST_WORDS = new ConcurrentHashMap<>();

    private final Sentiment sentiment;
    private final Instant startedAt;
    /** Rules that fired and stay quiet for the rest of the call (or until they re-arm). */
    private final Set<String> fired = new HashSet<>();
    /** Open (unacknowledged) alerts: seq → rule id. */
    private final Map<Long, String> open = new LinkedHashMap<>();
    private final Deque<Double> recentMood = new ArrayDeque<>();
    private Instant lastSpeech;
    private int bargeIns;
    private int faults;
    private double mood;

    Alerting(Sentiment sentiment, Instant startedAt) {
        this.sentiment = sentiment;
        this.startedAt = startedAt;
        this.lastSpeech = startedAt;
    }

    /** The alerts this event makes fire (usually none). */
    List<EventPayload.Alert> observe(CallEvent event, List<AlertRule> rules) {
        EventPayload p = event.payload();
        if (p instanceof EventPayload.Alert a) {
            open.put(event.seq(), a.ruleId());
            return List.of();
        }
        if (p instanceof EventPayload.AlertAcknowledged ack) {
            open.remove(ack.alertSeq());
            return List.of();
        }
        if (speech(p)) {
            lastSpeech = event.time();
            fired.removeIf(id -> id.startsWith(SILENCE_PREFIX));
        }
        if (p instanceof EventPayload.Prompt prompt) {
            return onPrompt(prompt.text(), event.seq(), rules);
        }
        if (p instanceof EventPayload.Interrupt) {
            bargeIns++;
            return fireCounted(AlertRule.Kind.BARGE_INS, bargeIns, event.seq(), rules,
                    n -> "caller barged in " + n + (n == 1 ? " time" : " times"));
        }
        if (p instanceof EventPayload.Fault fault && !Boolean.TRUE.equals(fault.retry())) {
            // A fault that is retried says nothing to the caller; one they heard the fallback for does.
            faults++;
            String why = fault.reason() == null || fault.reason().isBlank() ? "" : ": " + fault.reason();
            return fireCounted(AlertRule.Kind.FAULT, faults, event.seq(), rules,
                    n -> (n == 1 ? "model fault" : n + " model faults") + why);
        }
        return List.of();
    }

    private static final String SILENCE_PREFIX = "silence\u0000";

    /** What ends a silence: the caller or the agent (or a supervisor) saying something. */
    private static boolean speech(EventPayload p) {
        return p instanceof EventPayload.Prompt || p instanceof EventPayload.PromptPartial
                || p instanceof EventPayload.AgentToken || p instanceof EventPayload.TurnCompleted
                || p instanceof EventPayload.SupervisorSay || p instanceof EventPayload.Dtmf
                || p instanceof EventPayload.SessionStarted || p instanceof EventPayload.SessionReconnected;
    }

    private List<EventPayload.Alert> onPrompt(String text, long seq, List<AlertRule> rules) {
        List<EventPayload.Alert> alerts = new ArrayList<>();
        if (text != null && sentiment.hasOpinion(text)) {
            recentMood.addLast(sentiment.score(text));
            if (recentMood.size() > SENTIMENT_WINDOW) {
                recentMood.removeFirst();
            }
            mood = recentMood.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }
        String asciiLower = text == null ? null : asciiLower(text);
        for (AlertRule rule : rules) {
            if (!rule.enabled()) {
                continue;
            }
            if (rule.kind() == AlertRule.Kind.PHRASE && text != null && !fired.contains(rule.id())) {
                for (String phrase : rule.phrases()) {
                    if (mayContain(asciiLower, phrase) && phrase(phrase).matcher(text).find()) {
                        fired.add(rule.id());
                        alerts.add(alert(rule, "caller said \u201c" + phrase + "\u201d", seq));
                        break;
                    }
                }
            } else if (rule.kind() == AlertRule.Kind.SENTIMENT && !recentMood.isEmpty()) {
                if (mood >= 0) {
                    fired.remove(rule.id()); // back to neutral: a new turn for the worse alerts again
                } else if (mood < rule.parameter() && fired.add(rule.id())) {
                    alerts.add(alert(rule, String.format(Locale.ROOT, "caller sentiment turned negative (%.2f %s)",
                            mood, recentMood.size() == 1 ? "on their first opinionated prompt"
                                    : "over the last " + recentMood.size() + " opinionated prompts"), seq));
                }
            }
        }
        return alerts;
    }

    private List<EventPayload.Alert> fireCounted(AlertRule.Kind kind, int count, long seq, List<AlertRule> rules,
                                                 java.util.function.IntFunction<String> reason) {
        List<EventPayload.Alert> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (rule.enabled() && rule.kind() == kind && count >= rule.parameter() && fired.add(rule.id())) {
                alerts.add(alert(rule, reason.apply(count), seq));
            }
        }
        return alerts;
    }

    /**
     * The timed rules at {@code now}. {@code live}: the call has an open socket and has not ended;
     * a call waiting for a reconnect is not silent, only unreachable.
     */
    List<EventPayload.Alert> tick(Instant now, boolean live, List<AlertRule> rules) {
        if (!live) {
            return List.of();
        }
        List<EventPayload.Alert> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (!rule.enabled()) {
                continue;
            }
            if (rule.kind() == AlertRule.Kind.SILENCE) {
                long quietMs = Duration.between(lastSpeech, now).toMillis();
                if (quietMs >= rule.parameter() * 1000 && fired.add(SILENCE_PREFIX + rule.id())) {
                    alerts.add(alert(rule, "no speech for " + quietMs / 1000 + " s", null));
                }
            } else if (rule.kind() == AlertRule.Kind.DURATION) {
                long minutes = Duration.between(startedAt, now).toMinutes();
                if (Duration.between(startedAt, now).toMillis() >= rule.parameter() * 60_000 && fired.add(rule.id())) {
                    alerts.add(alert(rule, "call has lasted " + minutes + " min", null));
                }
            }
        }
        return alerts;
    }

    /** The rule id of the open alert recorded at {@code seq}, or null (unknown, or acknowledged already). */
    String openAlert(long seq) {
        return open.get(seq);
    }

    /** The rolling sentiment now (mean of the latest opinionated prompts; 0 before any). */
    double mood() {
        return mood;
    }

    private static EventPayload.Alert alert(AlertRule rule, String reason, Long cause) {
        return new EventPayload.Alert(rule.id(), rule.kind().name(), rule.severity().name(), reason, cause);
    }

    /**
     * {@code text} lower-cased when it is all ASCII, else null: what {@link #mayContain} takes,
     * worked out once per prompt rather than once per phrase.
     */
    static String asciiLower(String text) {
        return ascii(text) ? text.toLowerCase(Locale.ROOT) : null;
    }

    /**
     * False only when the prompt cannot contain {@code phrase}: an ASCII prompt ({@code asciiLower},
     * see {@link #asciiLower}) without the phrase's first word, any case. The phrase patterns
     * (case-insensitive Unicode, look-behind) cost a tenth of a turn's CPU when every rule's phrases
     * were matched against every prompt; most prompts fail this check. Outside ASCII
     * ({@code asciiLower} null, or a phrase's first word outside it), Unicode case folding
     * ({@code ſ} matches {@code s}) makes a substring test unsafe, so the pattern decides.
     */
    static boolean mayContain(String asciiLower, String phrase) {
        if (asciiLower == null) {
            return true;
        }
        String firstWord = FIRST_WORDS.computeIfAbsent(phrase, p -> {
            String lower = p.toLowerCase(Locale.ROOT).strip();
            int space = lower.indexOf(' ');
            String first = space < 0 ? lower : lower.substring(0, space);
            return ascii(first) ? first : "";
        });
        return firstWord.isEmpty() || asciiLower.contains(firstWord);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A phrase as whole words, any case: "agent" matches "Agent!" but not "agents" or "reagent". */
    static Pattern phrase(String phrase) {
        return PHRASES.computeIfAbsent(phrase.toLowerCase(Locale.ROOT), p -> Pattern.compile(
                "(?<![\\p{L}\\p{N}])" + Pattern.quote(p).replace(" ", "\\E\\s+\\Q") + "(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }
}
