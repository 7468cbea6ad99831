package app.switchboard.relay;

import app.switchboard.config.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Connect;
import com.twilio.twiml.voice.ConversationRelay;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Language;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Recording;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Start;
import java.util.List;
import com.twilio.twiml.voice.Stream;
import java.util.Map;

/**
 * The TwiML the relay answers with, built with the twilio SDK's own builders: the voice
 * webhook's {@code <Connect><ConversationRelay>}, and what to do when a relay session ends.
 */
public final class TwimlFactory {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code /action} decided; recorded on the call. */
    public enum ActionOutcome { HANDOFF, GOODBYE, RECONNECT, CLOSED }

    public record ActionAnswer(ActionOutcome outcome, String twiml) {
    }

    private final Settings settings;
    private final String relayUrl;
    private final String actionUrl;
    private final CallTokens tokens;
    private final String recordingStatusUrl;
    /** Where {@code <Start><Stream>} points when {@link Settings#listenToCalls} is on; null: never. */
    private final String mediaUrl;

    public TwimlFactory(Settings settings, String relayUrl, String actionUrl) {
        this(settings, relayUrl, actionUrl, null);
    }

    /** @param tokens issues each call's {@link CallTokens#PARAMETER}; null: none (a relay that checks none) */
    public TwimlFactory(Settings settings, String relayUrl, String actionUrl, CallTokens tokens) {
        this(settings, relayUrl, actionUrl, tokens, null, null);
    }

    /**
     * @param recordingStatusUrl where Twilio posts a recording's status ({@code /recording-status});
     *                           null: calls are never recorded, whatever the settings say, since a
     *                           recording nobody hears about could not be found from the call
     * @param mediaUrl the relay's {@code wss://…/media}, streamed to when listening is on; null: no stream
     */
    public TwimlFactory(Settings settings, String relayUrl, String actionUrl, CallTokens tokens, String recordingStatusUrl,
                        String mediaUrl) {
        this.settings = settings;
        this.tokens = tokens;
        this.relayUrl = xml(relayUrl);
        this.actionUrl = xml(actionUrl);
        this.recordingStatusUrl = xml(recordingStatusUrl);
        this.mediaUrl = xml(mediaUrl);
    }

    /**
     * The text as XML 1.0 allows it. The SDK's builders escape markup but pass through what XML
     * 1.0 forbids outright (C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates):
     * one such character in a caller's {@code From} would make the whole answer unparseable and
     * Twilio would fail the call. Each is replaced by U+FFFD so a changed value stays visibly changed.
     */
    static String xml(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed;
            int width = 1;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                allowed = true;
                width = 2;
            } else if (Character.isSurrogate(c)) {
                allowed = false;
            } else {
                allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
            }
            if (!allowed && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (allowed) {
                    out.append(text, i, i + width);
                } else {
                    out.append('\uFFFD');
                }
            }
            i += width - 1;
        }
        return out == null ? text : out.toString();
    }

    /**
     * The voice webhook's answer; the caller's number travels as a {@code <Parameter>}. With
     * {@link Settings#recordCalls} a {@code <Start><Recording>} comes first, in a {@code <Start>}
     * of its own: Twilio starts recording, then goes on. With {@link Settings#listenToCalls}, a
     * {@code <Start><Stream>} of both tracks follows, also in its own {@code <Start>}: a
     * {@code <Start>} runs alongside what follows it, while nothing after {@code <Connect>} runs
     * until the relay session ends.
     */
    public String connect(Map<String, String> callParams) {
        VoiceResponse.Builder twiml = new VoiceResponse.Builder();
        if (settings.recordCalls && recordingStatusUrl != null) {
            twiml.start(new Start.Builder().recording(recording()).build());
        }
        Start stream = mediaStream(callParams);
        if (stream != null) {
            twiml.start(stream);
        }
        return twiml.connect(connectElement(callParams)).build().toXml();
    }

    /**
     * Both sides of the call, each on its own channel (what a contact center listens back to),
     * untrimmed so the audio's clock matches the call's event times; every status Twilio
     * documents for {@code recordingStatusCallbackEvent} comes back to {@code /recording-status}.
     */
    private Recording recording() {
        return new Recording.Builder()
                .recordingStatusCallback(recordingStatusUrl)
                .recordingStatusCallbackMethod(Recording.RecordingStatusCallbackMethod.POST)
                .recordingStatusCallbackEvents(List.of(Recording.Event.IN_PROGRESS, Recording.Event.COMPLETED,
                        Recording.Event.ABSENT))
                .track(Recording.Track.BOTH)
                .channels(Recording.Channels.DUAL)
                .trim(Recording.Trim.DO_NOT_TRIM)
                .build();
    }

    /**
     * The live-audio stream (docs/live-audio.md), or null when listening is off or the call has
     * no callSid. Twilio does not allow a query string in a stream URL (error 31920), so the
     * call's token travels as a {@code <Parameter>} and comes back in {@code start.customParameters}.
     */
    Start mediaStream(Map<String, String> callParams) {
        String callSid = callParams.get("CallSid");
        if (!settings.listenToCalls || mediaUrl == null || callSid == null || callSid.isBlank()) {
            return null;
        }
        Stream.Builder stream = new Stream.Builder().url(mediaUrl).track(Stream.Track.BOTH_TRACKS);
        if (tokens != null) {
            stream.parameter(new Parameter.Builder().name(CallTokens.PARAMETER).value(tokens.token(callSid)).build());
        }
        return new Start.Builder().stream(stream.build()).build();
    }

    /**
     * A new relay session on a call that is already up (the {@code /action} reconnect after
     * 64105): {@code <Connect>} only. The recording and the live-audio stream started by the first
     * answer run until the call ends; starting them again would record or stream the rest twice.
     */
    String reconnect(Map<String, String> callParams) {
        return new VoiceResponse.Builder().connect(connectElement(callParams)).build().toXml();
    }

    Connect connectElement(Map<String, String> callParams) {
        Settings.TwimlSettings t = settings.twiml;
        ConversationRelay.Builder relay = new ConversationRelay.Builder().url(relayUrl);
        if (t.welcomeGreeting != null && !t.welcomeGreeting.isBlank()) {
            relay.welcomeGreeting(xml(t.welcomeGreeting));
        }
        set(relay, "welcomeGreetingInterruptible", t.welcomeGreetingInterruptible);
        set(relay, "language", t.language);
        set(relay, "ttsLanguage", t.ttsLanguage);
        set(relay, "transcriptionLanguage", t.transcriptionLanguage);
        set(relay, "ttsProvider", t.ttsProvider);
        set(relay, "voice", t.voice);
        set(relay, "transcriptionProvider", t.transcriptionProvider);
        set(relay, "speechModel", t.speechModel);
        set(relay, "interruptible", t.interruptible);
        set(relay, "interruptSensitivity", t.interruptSensitivity);
        set(relay, "dtmfDetection", t.dtmfDetection);
        // The SDK's typed setter takes a Boolean, but the attribute is none|dtmf|speech|any (protocol.md §5).
        set(relay, "reportInputDuringAgentSpeech", t.reportInputDuringAgentSpeech);
        set(relay, "preemptible", t.preemptible);
        set(relay, "partialPrompts", t.partialPrompts);
        set(relay, "hints", t.hints);
        set(relay, "debug", t.debug);
        set(relay, "events", t.events);
        set(relay, "intelligenceService", t.intelligenceService);
        // No typed setter in SDK 13.0.1 (javap): option() emits the documented attribute as written.
        set(relay, "applicationReconnect", settings.applicationReconnect ? "true" : null);
        if (t.languages != null) {
            for (Settings.LanguageOption l : t.languages) {
                if (l.code() == null || l.code().isBlank()) {
                    continue;
                }
                Language.Builder lang = new Language.Builder().code(xml(l.code()));
                if (l.ttsProvider() != null) {
                    lang.ttsProvider(xml(l.ttsProvider()));
                }
                if (l.voice() != null) {
                    lang.voice(xml(l.voice()));
                }
                if (l.transcriptionProvider() != null) {
                    lang.transcriptionProvider(xml(l.transcriptionProvider()));
                }
                if (l.speechModel() != null) {
                    lang.speechModel(xml(l.speechModel()));
                }
                relay.language(lang.build());
            }
        }
        parameter(relay, "callerNumber", callParams.get("From"));
        parameter(relay, "calledNumber", callParams.get("To"));
        parameter(relay, "callerCountry", callParams.get("FromCountry"));
        String callSid = callParams.get("CallSid");
        if (tokens != null && callSid != null && !callSid.isBlank()) {
            parameter(relay, CallTokens.PARAMETER, tokens.token(callSid));
        }
        return new Connect.Builder().action(actionUrl).method(HttpMethod.POST).conversationRelay(relay.build()).build();
    }

    /**
     * The {@code <Connect action>} callback (protocol.md §4): hand over to a human, reconnect a
     * session that failed while the call is still up, or let a finished call go.
     */
    public ActionAnswer action(Map<String, String> form) {
        String status = form.getOrDefault("SessionStatus", "");
        String callStatus = form.getOrDefault("CallStatus", "");
        if ("completed".equals(status) || "completed".equals(callStatus)) {
            return new ActionAnswer(ActionOutcome.CLOSED, new VoiceResponse.Builder().build().toXml());
        }
        if ("failed".equals(status)) {
            if ("64105".equals(form.get("ErrorCode")) && "in-progress".equals(callStatus)) {
                return new ActionAnswer(ActionOutcome.RECONNECT, reconnect(form));
            }
            return goodbye("Sorry, we are having technical difficulties. Please call again later.");
        }
        if ("ended".equals(status)) {
            String number = settings.handoffNumber;
            if (wantsHuman(form.get("HandoffData")) && number != null && !number.isBlank()) {
                VoiceResponse twiml = new VoiceResponse.Builder()
                        .say(new Say.Builder("Please hold while I connect you to a colleague.").build())
                        .dial(new Dial.Builder(xml(number)).build())
                        .build();
                return new ActionAnswer(ActionOutcome.HANDOFF, twiml.toXml());
            }
            return goodbye(settings.goodbyeMessage);
        }
        return goodbye(settings.goodbyeMessage);
    }

    private ActionAnswer goodbye(String sentence) {
        VoiceResponse.Builder twiml = new VoiceResponse.Builder();
        if (sentence != null && !sentence.isBlank()) {
            twiml.say(new Say.Builder(xml(sentence)).build());
        }
        return new ActionAnswer(ActionOutcome.GOODBYE, twiml.hangup(new Hangup.Builder().build()).build().toXml());
    }

    /**
     * Handoff data is ours (the agent's or supervisor's {@code end}), JSON with
     * {@code handToHuman}. Anything else that Twilio passes back still asks for a human: a
     * caller is better served by a person than by a hang-up when in doubt.
     */
    static boolean wantsHuman(String handoffData) {
        if (handoffData == null || handoffData.isBlank()) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(handoffData);
            return !node.isObject() || !node.has("handToHuman") || node.get("handToHuman").asBoolean(true);
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static void set(ConversationRelay.Builder relay, String attribute, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            // option() emits the documented camelCase name; some typed setters emit lowercase or take the wrong type.
            relay.option(attribute, xml(value.toString()));
        }
    }

    private static void parameter(ConversationRelay.Builder relay, String name, String value) {
        if (value != null && !value.isBlank()) {
            relay.parameter(new Parameter.Builder().name(xml(name)).value(xml(value)).build());
        }
    }
}
