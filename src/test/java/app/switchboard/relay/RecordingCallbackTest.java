package app.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.switchboard.call.EventPayload;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The recording status callback's fields, each checked for its documented shape. */
class RecordingCallbackTest {

    private static final String CALL = "CA0123456789abcdef0123456789abcdef";
    private static final String SID = "RE0123456789abcdef0123456789abcdef";
    private static final String URL = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/" + SID;

    private static Map<String, String> form() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", CALL);
        form.put("RecordingSid", SID);
        form.put("RecordingStatus", "completed");
        form.put("RecordingUrl", URL);
        form.put("RecordingDuration", "42");
        form.put("RecordingChannels", "2");
        return form;
    }

    @Test
    void aDocumentedCallbackReadsAsItsCallAndRecording() throws Exception {
        RecordingCallback.Parsed parsed = RecordingCallback.parse(form());
        assertEquals(CALL, parsed.callSid());
        assertEquals(new EventPayload.Recording(SID, "completed", URL, 42, null), parsed.recording());
    }

    @Test
    void anAbsentRecordingKeepsTwiliosErrorCodeAndHasNoLength() throws Exception {
        Map<String, String> form = form();
        form.put("RecordingStatus", "absent");
        form.put("ErrorCode", "16101");
        form.put("RecordingDuration", "-1");
        form.remove("RecordingUrl");
        assertEquals(new EventPayload.Recording(SID, "absent", null, null, "16101"), RecordingCallback.parse(form).recording());
    }

    @ParameterizedTest(name = "{0} = \"{1}\" is refused")
    @CsvSource(delimiter = '|', value = {
            "CallSid|CA123",
            "CallSid|",
            "RecordingSid|RE0123456789abcdef0123456789abcdeZ",
            "RecordingSid|",
            "RecordingStatus|Completed",
            "RecordingDuration|4.2",
            "RecordingChannels|two",
            "ErrorCode|16101; drop table",
            "RecordingUrl|http://api.twilio.com/2010-04-01/Recordings/RE1",
            "RecordingUrl|https://api.twilio.com.evil.example/RE1",
            "RecordingUrl|https://user:secret@api.twilio.com/RE1",
            "RecordingUrl|javascript:alert(1)",
            "RecordingUrl|file:///etc/passwd",
    })
    void aFieldNotOfItsShapeIsRefusedWithoutEchoingIt(String field, String value) {
        Map<String, String> form = form();
        form.put(field, value == null ? "" : value);
        RecordingCallback.Invalid refused = assertThrows(RecordingCallback.Invalid.class, () -> RecordingCallback.parse(form));
        assertFalse(value != null && !value.isEmpty() && refused.getMessage().contains(value), refused.getMessage());
    }

    @Test
    void controlCharactersAreRefusedInEveryTextField() {
        for (String field : new String[] {"RecordingStatus", "RecordingUrl", "RecordingSid", "CallSid"}) {
            Map<String, String> form = form();
            form.put(field, form.get(field) + "\nX-Injected: yes");
            assertThrows(RecordingCallback.Invalid.class, () -> RecordingCallback.parse(form), field);
            form.put(field, form.get(field).replace("\nX-Injected: yes", "\u0007"));
            assertThrows(RecordingCallback.Invalid.class, () -> RecordingCallback.parse(form), field);
        }
    }

    @Test
    void aRegionalTwilioHostIsAccepted() throws Exception {
        Map<String, String> form = form();
        form.put("RecordingUrl", "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + SID);
        assertEquals(form.get("RecordingUrl"), RecordingCallback.parse(form).recording().url());
    }
}
