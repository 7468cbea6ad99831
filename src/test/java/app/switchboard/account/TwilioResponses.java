package app.switchboard.account;

/**
 * Bodies shaped like Twilio's documented REST responses (API 2010-04-01): the
 * IncomingPhoneNumbers list page ({@code incoming_phone_numbers}, {@code next_page_uri}, …),
 * an IncomingPhoneNumber instance, a Call created ({@code status: queued}), and the error body
 * ({@code code}, {@code message}, {@code more_info}, {@code status}).
 */
public final class TwilioResponses {

    private TwilioResponses() {
    }

    public static String numbersPath(String accountSid) {
        return "/2010-04-01/Accounts/" + accountSid + "/IncomingPhoneNumbers.json";
    }

    public static String numberPath(String accountSid, String numberSid) {
        return "/2010-04-01/Accounts/" + accountSid + "/IncomingPhoneNumbers/" + numberSid + ".json";
    }

    public static String callsPath(String accountSid) {
        return "/2010-04-01/Accounts/" + accountSid + "/Calls.json";
    }

    public static String number(String accountSid, String sid, String phone, String voiceUrl, String voiceApplicationSid) {
        return """
                {
                  "account_sid": "%1$s",
                  "address_requirements": "none",
                  "api_version": "2010-04-01",
                  "beta": false,
                  "capabilities": {"voice": true, "sms": true, "mms": false, "fax": false},
                  "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
                  "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
                  "emergency_status": "Active",
                  "friendly_name": "Front desk %3$s",
                  "origin": "twilio",
                  "phone_number": "%3$s",
                  "sid": "%2$s",
                  "sms_method": "POST",
                  "sms_url": "",
                  "status": "in-use",
                  "status_callback": "",
                  "status_callback_method": "POST",
                  "uri": "/2010-04-01/Accounts/%1$s/IncomingPhoneNumbers/%2$s.json",
                  "voice_application_sid": %5$s,
                  "voice_caller_id_lookup": false,
                  "voice_fallback_method": "POST",
                  "voice_fallback_url": null,
                  "voice_method": "POST",
                  "voice_receive_mode": "voice",
                  "voice_url": "%4$s"
                }""".formatted(accountSid, sid, phone, voiceUrl,
                voiceApplicationSid == null ? "null" : "\"" + voiceApplicationSid + "\"");
    }

    /** One page of the list; {@code nextPageUri} null on the last page. */
    public static String numbersPage(String accountSid, int page, String nextPageUri, String... numbers) {
        String uri = numbersPath(accountSid) + "?PageSize=50&Page=" + page;
        return """
                {
                  "end": %d,
                  "first_page_uri": "%s",
                  "incoming_phone_numbers": [%s],
                  "next_page_uri": %s,
                  "page": %d,
                  "page_size": 50,
                  "previous_page_uri": null,
                  "start": %d,
                  "uri": "%s"
                }""".formatted(page * 50 + numbers.length - 1, numbersPath(accountSid) + "?PageSize=50&Page=0",
                String.join(",", numbers), nextPageUri == null ? "null" : "\"" + nextPageUri + "\"", page, page * 50, uri);
    }

    public static String queuedCall(String accountSid, String callSid, String from, String to) {
        return """
                {
                  "account_sid": "%1$s",
                  "annotation": null,
                  "answered_by": null,
                  "api_version": "2010-04-01",
                  "caller_name": null,
                  "date_created": "Tue, 31 Aug 2010 20:36:28 +0000",
                  "date_updated": "Tue, 31 Aug 2010 20:36:44 +0000",
                  "direction": "outbound-api",
                  "duration": "0",
                  "end_time": null,
                  "forwarded_from": null,
                  "from": "%3$s",
                  "from_formatted": "%3$s",
                  "group_sid": null,
                  "parent_call_sid": null,
                  "phone_number_sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
                  "price": null,
                  "price_unit": "USD",
                  "sid": "%2$s",
                  "start_time": null,
                  "status": "queued",
                  "subresource_uris": {
                    "notifications": "/2010-04-01/Accounts/%1$s/Calls/%2$s/Notifications.json",
                    "recordings": "/2010-04-01/Accounts/%1$s/Calls/%2$s/Recordings.json"
                  },
                  "to": "%4$s",
                  "to_formatted": "%4$s",
                  "trunk_sid": null,
                  "uri": "/2010-04-01/Accounts/%1$s/Calls/%2$s.json",
                  "queue_time": "1000"
                }""".formatted(accountSid, callSid, from, to);
    }

    public static String error(int code, String message, int status) {
        return """
                {"code": %d, "message": "%s", "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}"""
                .formatted(code, message, code, status);
    }
}
