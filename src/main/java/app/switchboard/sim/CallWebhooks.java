package app.switchboard.sim;

import app.switchboard.protocol.InboundMessage;
import app.switchboard.sim.SimulatedCall.SimulationException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP side of one simulated call, signed as Twilio signs: the voice webhook posted before
 * the upgrade (its TwiML's {@code <Parameter>}s go into {@code setup}), and the
 * {@code <Connect action>} webhook posted once when the session ends (protocol.md §4).
 */
final class CallWebhooks {

    private final SimClient client;
    private final String authToken;
    private final URI voicePostUrl;
    private final String voiceSignedUrl;
    private final URI actionPostUrl;
    private final String actionSignedUrl;
    private final FrameLog log;
    private final Object lock;
    private final CompletableFuture<Webhook.Result> action = new CompletableFuture<>();
    // Guarded by lock.
    private boolean actionPosted;

    CallWebhooks(SimClient client, String authToken, URI voicePostUrl, String voiceSignedUrl,
                 URI actionPostUrl, String actionSignedUrl, FrameLog log, Object lock) {
        this.client = client;
        this.authToken = authToken;
        this.voicePostUrl = voicePostUrl;
        this.voiceSignedUrl = voiceSignedUrl;
        this.actionPostUrl = actionPostUrl;
        this.actionSignedUrl = actionSignedUrl;
        this.log = log;
        this.lock = lock;
    }

    boolean postsVoiceWebhook() {
        return voicePostUrl != null;
    }

    /** Posts the voice webhook for this setup; completes with the TwiML's parameters. */
    CompletableFuture<Map<String, String>> voiceParameters(InboundMessage.Setup setup) {
        return voiceAnswer(setup).thenApply(CallWebhooks::twimlParameters);
    }

    /** Posts the voice webhook for this setup; completes with the TwiML answer. */
    CompletableFuture<String> voiceAnswer(InboundMessage.Setup setup) {
        return Webhook.post(client, voicePostUrl, voiceSignedUrl, authToken, voiceForm(setup)).thenCompose(result -> {
            if (result.status() != 200) {
                return CompletableFuture.failedFuture(new SimulationException(
                        "voice webhook answered " + result.status() + ": " + result.body(), null));
            }
            return CompletableFuture.completedFuture(result.body());
        });
    }

    /**
     * The {@code <Start><Stream>} of a TwiML answer (live audio, docs/live-audio.md): its url and
     * its {@code <Parameter>}s, as Twilio would hand them to the stream's {@code start}; null when none.
     */
    static MediaStreamer.Request twimlStream(String twiml) {
        org.w3c.dom.NodeList streams = parse(twiml).getElementsByTagName("Stream");
        for (int i = 0; i < streams.getLength(); i++) {
            org.w3c.dom.Element stream = (org.w3c.dom.Element) streams.item(i);
            if (!"Start".equals(stream.getParentNode().getNodeName())) {
                continue;
            }
            return new MediaStreamer.Request(stream.getAttribute("url"), stream.getAttribute("track"), children(stream));
        }
        return null;
    }

    private static org.w3c.dom.Document parse(String twiml) {
        try {
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(twiml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new SimulationException("TwiML answer is not XML: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> children(org.w3c.dom.Element parent) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        org.w3c.dom.NodeList nodes = parent.getElementsByTagName("Parameter");
        for (int i = 0; i < nodes.getLength(); i++) {
            org.w3c.dom.Element p = (org.w3c.dom.Element) nodes.item(i);
            params.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return params;
    }

    private static Map<String, String> voiceForm(InboundMessage.Setup setup) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("AccountSid", setup.accountSid());
        form.put("CallSid", setup.callSid());
        form.put("From", setup.from());
        form.put("To", setup.to());
        form.put("Caller", setup.from());
        form.put("Called", setup.to());
        form.put("Direction", setup.direction());
        form.put("CallStatus", "RINGING".equals(setup.callStatus()) ? "ringing" : "in-progress");
        form.values().removeIf(java.util.Objects::isNull);
        return form;
    }

    /**
     * The {@code <Parameter name value>} children of a TwiML answer's {@code <ConversationRelay>}
     * (a {@code <Stream>}'s parameters go to the stream, not to {@code setup}).
     */
    static Map<String, String> twimlParameters(String twiml) {
        org.w3c.dom.Document doc = parse(twiml);
        Map<String, String> params = new java.util.LinkedHashMap<>();
        org.w3c.dom.NodeList nodes = doc.getElementsByTagName("Parameter");
        for (int i = 0; i < nodes.getLength(); i++) {
            org.w3c.dom.Element p = (org.w3c.dom.Element) nodes.item(i);
            if ("Stream".equals(p.getParentNode().getNodeName())) {
                continue;
            }
            params.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return params;
    }

    /** Posts the action webhook, once per call, if the call has an action URL. */
    void postAction(Map<String, String> form) {
        synchronized (lock) {
            if (actionPostUrl == null || actionPosted) {
                return;
            }
            actionPosted = true;
        }
        Webhook.post(client, actionPostUrl, actionSignedUrl, authToken, form).whenComplete((result, failure) -> {
            if (failure != null) {
                action.completeExceptionally(failure);
            } else {
                action.complete(result);
            }
        });
    }

    /** The parameters of Twilio's {@code <Connect action>} request (protocol.md §4). */
    Map<String, String> actionForm(InboundMessage.Setup setup, String sessionStatus, String callStatus) {
        long seconds = log.sessionSeconds();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", setup.accountSid());
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", setup.callSid());
        form.put("CallStatus", callStatus);
        form.put("Called", setup.to());
        form.put("Caller", setup.from());
        form.put("Direction", setup.direction());
        form.put("From", setup.from());
        form.put("To", setup.to());
        form.put("SessionId", setup.sessionId());
        form.put("SessionDuration", Long.toString(seconds));
        form.put("SessionStatus", sessionStatus);
        return form;
    }

    /** The relay's answer to the action webhook. */
    CompletableFuture<Webhook.Result> action() {
        return action;
    }
}
