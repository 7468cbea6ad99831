package app.switchboard.console.history;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayload;
import app.switchboard.history.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A past call's recording as History shows it: what its status callbacks came to, its line and
 * list cell, and whether its link may go to the browser. Pure functions of the stored record.
 */
final class CallRecordings {

    private CallRecordings() {
    }

    /**
     * What the call's recording status callbacks came to: the latest one, except that a
     * completed recording is kept over a later-arriving earlier status (callbacks may cross).
     * Null when the call was not recorded.
     */
    static EventPayload.Recording recording(List<CallEvent> events) {
        EventPayload.Recording latest = null;
        for (CallEvent e : events) {
            if (e.payload() instanceof EventPayload.Recording r
                    && (latest == null || !EventPayload.Recording.COMPLETED.equals(latest.status())
                    || !Objects.equals(latest.recordingSid(), r.recordingSid()))) {
                latest = r;
            }
        }
        return latest;
    }

    /** The recording line of the opened call: SID, status, length and Twilio's error code. */
    static String recordingText(EventPayload.Recording r) {
        if (r == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        parts.add("Recording " + r.recordingSid());
        parts.add(r.status());
        if (r.durationSeconds() != null) {
            parts.add(String.format(Locale.ROOT, "%d:%02d", r.durationSeconds() / 60, r.durationSeconds() % 60));
        }
        if (r.errorCode() != null) {
            parts.add("Twilio error " + r.errorCode());
        }
        return String.join(" \u00b7 ", parts);
    }

    /** The History list's recording cell: empty for a call that was not recorded. */
    static String recordingCell(CallRecord c) {
        if (c.recording() == null) {
            return "";
        }
        return switch (c.recording()) {
            case EventPayload.Recording.COMPLETED -> "recorded";
            case "in-progress" -> "recording";
            default -> c.recording();
        };
    }

    /**
     * Whether a recording's link may be handed to the browser: Twilio's own https URL, never one
     * with credentials in it. The relay checks the same before recording it; this guards against
     * an older or foreign record.
     */
    static boolean browsable(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getRawUserInfo() == null
                    && (host.equals("twilio.com") || host.endsWith(".twilio.com"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
