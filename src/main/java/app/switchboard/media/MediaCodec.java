package app.switchboard.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Media Streams frames tolerantly and writes them strictly. Reading: unknown fields are
 * ignored, the numbers Twilio's examples send as strings ({@code "sequenceNumber":"3"}) are
 * accepted as strings or numbers, nothing throws. Writing (the simulator's side): exactly the
 * documented field names, numbers as strings as in Twilio's examples.
 */
public final class MediaCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MediaCodec() {
    }

    public static MediaMessage decode(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            return new MediaMessage.Malformed(text, "not JSON");
        }
        if (root == null || !root.isObject()) {
            return new MediaMessage.Malformed(text, "not a JSON object");
        }
        JsonNode eventNode = root.get("event");
        if (eventNode == null || !eventNode.isTextual()) {
            return new MediaMessage.Malformed(text, "no event");
        }
        String event = eventNode.asText();
        try {
            return switch (event) {
                case "connected" -> new MediaMessage.Connected(string(root, "protocol"), string(root, "version"));
                case "start" -> start(root, text);
                case "media" -> media(root, text);
                case "stop" -> {
                    JsonNode stop = object(root, "stop");
                    yield new MediaMessage.Stop(number(root, "sequenceNumber"), streamSid(root, stop),
                            string(stop, "accountSid"), string(stop, "callSid"));
                }
                case "mark" -> new MediaMessage.Mark(number(root, "sequenceNumber"), string(root, "streamSid"),
                        string(object(root, "mark"), "name"));
                case "dtmf" -> {
                    JsonNode dtmf = object(root, "dtmf");
                    yield new MediaMessage.Dtmf(number(root, "sequenceNumber"), string(root, "streamSid"),
                            Track.fromWire(string(dtmf, "track")), string(dtmf, "digit"));
                }
                default -> new MediaMessage.Unknown(event, text);
            };
        } catch (Invalid e) {
            return new MediaMessage.Malformed(text, e.getMessage());
        }
    }

    private static MediaMessage start(JsonNode root, String text) {
        JsonNode start = object(root, "start");
        String callSid = string(start, "callSid");
        if (callSid == null || callSid.isBlank()) {
            throw new Invalid("start without callSid");
        }
        List<Track> tracks = new ArrayList<>();
        JsonNode list = start.get("tracks");
        if (list != null && list.isArray()) {
            for (JsonNode t : list) {
                Track track = Track.fromWire(t.asText());
                if (track != null && !tracks.contains(track)) {
                    tracks.add(track);
                }
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode custom = start.get("customParameters");
        if (custom != null && custom.isObject()) {
            custom.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        JsonNode format = start.get("mediaFormat");
        MediaMessage.MediaFormat mediaFormat = format == null || !format.isObject() ? null
                : new MediaMessage.MediaFormat(string(format, "encoding"), (int) optionalNumber(format, "sampleRate", 0),
                        (int) optionalNumber(format, "channels", 0));
        return new MediaMessage.Start(number(root, "sequenceNumber"), streamSid(root, start), string(start, "accountSid"),
                callSid, tracks, params, mediaFormat);
    }

    private static MediaMessage media(JsonNode root, String text) {
        JsonNode media = object(root, "media");
        Track track = Track.fromWire(string(media, "track"));
        if (track == null) {
            throw new Invalid("media without a known track");
        }
        String payload = string(media, "payload");
        if (payload == null) {
            throw new Invalid("media without payload");
        }
        byte[] audio;
        try {
            audio = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw new Invalid("media payload is not base64");
        }
        return new MediaMessage.Media(number(root, "sequenceNumber"), string(root, "streamSid"), track,
                number(media, "chunk"), number(media, "timestamp"), audio);
    }

    /** Twilio's examples put streamSid at the top; some readers look inside the event object too. */
    private static String streamSid(JsonNode root, JsonNode inner) {
        String sid = string(root, "streamSid");
        return sid != null ? sid : string(inner, "streamSid");
    }

    private static JsonNode object(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || !node.isObject()) {
            throw new Invalid(root.path("event").asText() + " without " + name + " object");
        }
        return node;
    }

    private static String string(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** A documented number, sent as a string or a number; missing: -1 (the sequence is informative only). */
    private static long number(JsonNode node, String name) {
        return optionalNumber(node, name, -1);
    }

    private static long optionalNumber(JsonNode node, String name, long missing) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return missing;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().strip());
            } catch (NumberFormatException e) {
                throw new Invalid(name + " is not a number: " + v.asText());
            }
        }
        throw new Invalid(name + " is not a number");
    }

    /** Writes a message as Twilio does; {@link MediaMessage.Unknown} and {@link MediaMessage.Malformed} are never written. */
    public static String encode(MediaMessage message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("event", message.event());
        if (message instanceof MediaMessage.Connected c) {
            root.put("protocol", c.protocol());
            root.put("version", c.version());
        } else if (message instanceof MediaMessage.Start s) {
            root.put("sequenceNumber", Long.toString(s.sequenceNumber()));
            ObjectNode start = root.putObject("start");
            start.put("accountSid", s.accountSid());
            start.put("streamSid", s.streamSid());
            start.put("callSid", s.callSid());
            var tracks = start.putArray("tracks");
            s.tracks().forEach(t -> tracks.add(t.wire()));
            ObjectNode custom = start.putObject("customParameters");
            s.customParameters().forEach(custom::put);
            MediaMessage.MediaFormat f = s.mediaFormat() == null ? MediaMessage.MediaFormat.MULAW_8K : s.mediaFormat();
            ObjectNode format = start.putObject("mediaFormat");
            format.put("encoding", f.encoding());
            format.put("sampleRate", f.sampleRate());
            format.put("channels", f.channels());
            root.put("streamSid", s.streamSid());
        } else if (message instanceof MediaMessage.Media m) {
            root.put("sequenceNumber", Long.toString(m.sequenceNumber()));
            ObjectNode media = root.putObject("media");
            media.put("track", m.track().wire());
            media.put("chunk", Long.toString(m.chunk()));
            media.put("timestamp", Long.toString(m.timestamp()));
            media.put("payload", Base64.getEncoder().encodeToString(m.payload()));
            root.put("streamSid", m.streamSid());
        } else if (message instanceof MediaMessage.Stop s) {
            root.put("sequenceNumber", Long.toString(s.sequenceNumber()));
            ObjectNode stop = root.putObject("stop");
            stop.put("accountSid", s.accountSid());
            stop.put("callSid", s.callSid());
            root.put("streamSid", s.streamSid());
        } else if (message instanceof MediaMessage.Mark m) {
            root.put("sequenceNumber", Long.toString(m.sequenceNumber()));
            root.put("streamSid", m.streamSid());
            root.putObject("mark").put("name", m.name());
        } else if (message instanceof MediaMessage.Dtmf d) {
            root.put("streamSid", d.streamSid());
            root.put("sequenceNumber", Long.toString(d.sequenceNumber()));
            ObjectNode dtmf = root.putObject("dtmf");
            // Twilio's dtmf example spells the track as the TwiML attribute does.
            dtmf.put("track", d.track() == null ? null : d.track().wire() + "_track");
            dtmf.put("digit", d.digit());
        } else {
            throw new IllegalArgumentException("only documented events are written, not " + message);
        }
        return root.toString();
    }

    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
