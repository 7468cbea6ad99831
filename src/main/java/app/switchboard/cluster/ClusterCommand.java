package app.switchboard.cluster;

import app.switchboard.call.CallControl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A supervisor command as it travels through a node's command stream: flat string fields
 * ({@code cmd} names the kind), so a stream entry can be read with {@code redis-cli} too.
 */
public sealed interface ClusterCommand {

    record Say(String text) implements ClusterCommand { }

    record Interrupt() implements ClusterCommand { }

    record SwitchLanguage(String ttsLanguage, String transcriptionLanguage) implements ClusterCommand { }

    record End(String reason, boolean handToHuman) implements ClusterCommand { }

    record TakeOver() implements ClusterCommand { }

    record Release() implements ClusterCommand { }

    record Whisper(String guidance) implements ClusterCommand { }

    record SetInterruptible(boolean interruptible) implements ClusterCommand { }

    /** The alert recorded at {@code alertSeq} of the call is acknowledged (ALERT_ACKNOWLEDGED, with the operator). */
    record AcknowledgeAlert(long alertSeq) implements ClusterCommand { }

    /** Runs the command on the call through the owner's own control. */
    default void applyTo(CallControl calls, String callId) {
        if (this instanceof Say s) {
            calls.say(callId, s.text());
        } else if (this instanceof Interrupt) {
            calls.interrupt(callId);
        } else if (this instanceof SwitchLanguage l) {
            calls.switchLanguage(callId, l.ttsLanguage(), l.transcriptionLanguage());
        } else if (this instanceof End e) {
            calls.end(callId, e.reason(), e.handToHuman());
        } else if (this instanceof TakeOver) {
            calls.takeOver(callId);
        } else if (this instanceof Release) {
            calls.release(callId);
        } else if (this instanceof Whisper w) {
            calls.whisper(callId, w.guidance());
        } else if (this instanceof SetInterruptible i) {
            calls.setInterruptible(callId, i.interruptible());
        } else if (this instanceof AcknowledgeAlert a) {
            calls.acknowledgeAlert(callId, a.alertSeq());
        }
    }

    default Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        if (this instanceof Say s) {
            f.put("cmd", "say");
            f.put("text", s.text());
        } else if (this instanceof Interrupt) {
            f.put("cmd", "interrupt");
        } else if (this instanceof SwitchLanguage l) {
            f.put("cmd", "language");
            f.put("tts", l.ttsLanguage());
            f.put("stt", l.transcriptionLanguage());
        } else if (this instanceof End e) {
            f.put("cmd", "end");
            f.put("reason", e.reason());
            f.put("handToHuman", Boolean.toString(e.handToHuman()));
        } else if (this instanceof TakeOver) {
            f.put("cmd", "takeover");
        } else if (this instanceof Release) {
            f.put("cmd", "release");
        } else if (this instanceof Whisper w) {
            f.put("cmd", "whisper");
            f.put("text", w.guidance());
        } else if (this instanceof SetInterruptible i) {
            f.put("cmd", "interruptible");
            f.put("interruptible", Boolean.toString(i.interruptible()));
        } else if (this instanceof AcknowledgeAlert a) {
            f.put("cmd", "acknowledge");
            f.put("alertSeq", Long.toString(a.alertSeq()));
        }
        f.values().removeIf(v -> v == null);
        return f;
    }

    /** The command in a stream entry, or null for one this version does not know. */
    static ClusterCommand from(Map<String, String> f) {
        String cmd = f.getOrDefault("cmd", "");
        return switch (cmd) {
            case "say" -> new Say(f.getOrDefault("text", ""));
            case "interrupt" -> new Interrupt();
            case "language" -> new SwitchLanguage(f.get("tts"), f.get("stt"));
            case "end" -> new End(f.getOrDefault("reason", ""), Boolean.parseBoolean(f.get("handToHuman")));
            case "takeover" -> new TakeOver();
            case "release" -> new Release();
            case "whisper" -> new Whisper(f.getOrDefault("text", ""));
            // Only an explicit true or false: a damaged entry changes nothing.
            case "interruptible" -> "true".equals(f.get("interruptible")) ? new SetInterruptible(true)
                    : "false".equals(f.get("interruptible")) ? new SetInterruptible(false) : null;
            case "acknowledge" -> alertSeq(f.get("alertSeq"));
            default -> null;
        };
    }

    private static ClusterCommand alertSeq(String seq) {
        try {
            return new AcknowledgeAlert(Long.parseLong(seq));
        } catch (RuntimeException e) {
            return null; // a damaged entry acknowledges nothing
        }
    }
}
