package app.switchboard.relay;

import app.switchboard.call.EventPayload;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Twilio's recording status callback ({@code recordingStatusCallback} of {@code <Recording>}),
 * read field by field into an {@link EventPayload.Recording}. Every field is checked for its
 * documented shape before anything is recorded: the URL is later opened in the supervisor's
 * browser, so only an {@code https} URL on a Twilio host passes.
 */
final class RecordingCallback {

    private static final Pattern CALL_SID = Pattern.compile("CA[0-9a-fA-F]{32}");
    private static final Pattern RECORDING_SID = Pattern.compile("RE[0-9a-fA-F]{32}");
    /** A shape, not a list: a status Twilio adds later (its support pages also name {@code failed}) is still recorded. */
    private static final Pattern STATUS = Pattern.compile("[a-z][a-z-]{0,31}");
    /** Whole seconds; Twilio may send -1 while a recording is in progress [unconfirmed], stored as unknown. */
    private static final Pattern DURATION = Pattern.compile("-?[0-9]{1,9}");
    private static final Pattern CHANNELS = Pattern.compile("[0-9]{1,2}");
    private static final Pattern ERROR_CODE = Pattern.compile("[0-9]{1,6}");
    static final int MAX_URL = 2048;

    /** The call the recording belongs to, and what to record on it. */
    record Parsed(String callSid, EventPayload.Recording recording) {
    }

    /** A field that is missing or not of its documented shape; the message names the field, never its value. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private RecordingCallback() {
    }

    static Parsed parse(Map<String, String> form) throws Invalid {
        String callSid = required(form, "CallSid", CALL_SID);
        String recordingSid = required(form, "RecordingSid", RECORDING_SID);
        String status = required(form, "RecordingStatus", STATUS);
        String duration = optional(form, "RecordingDuration", DURATION);
        optional(form, "RecordingChannels", CHANNELS);
        String errorCode = optional(form, "ErrorCode", ERROR_CODE);
        String url = url(form.get("RecordingUrl"));
        Integer seconds = duration == null || duration.startsWith("-") ? null : Integer.valueOf(duration);
        // "0" is how a form says "no error" [unconfirmed for this callback]; absent and 0 read the same.
        String error = errorCode == null || Integer.parseInt(errorCode) == 0 ? null : errorCode;
        return new Parsed(callSid, new EventPayload.Recording(recordingSid, status, url, seconds, error));
    }

    private static String required(Map<String, String> form, String name, Pattern shape) throws Invalid {
        String value = optional(form, name, shape);
        if (value == null) {
            throw new Invalid(name + " is missing");
        }
        return value;
    }

    private static String optional(Map<String, String> form, String name, Pattern shape) throws Invalid {
        String value = form.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!shape.matcher(value).matches()) {
            throw new Invalid(name + " is not of its documented shape");
        }
        return value;
    }

    /** Null when absent; otherwise an absolute https URL on twilio.com or a subdomain, without credentials. */
    static String url(String value) throws Invalid {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_URL || value.chars().anyMatch(c -> c < 0x21 || c == 0x7F)) {
            throw new Invalid("RecordingUrl is too long or holds control characters or spaces");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new Invalid("RecordingUrl is not a URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                || !(host.equals("twilio.com") || host.endsWith(".twilio.com"))) {
            throw new Invalid("RecordingUrl is not an https URL on a Twilio host");
        }
        return value;
    }
}
