package app.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text frame, written per token without a tree, is byte for byte the frame the tree encoding
 * wrote before (and that the other messages still use): same fields, order and escaping.
 */
class TextFrameEncodingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String asTree(OutboundMessage.Text t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", t.type());
        node.put("token", t.token());
        node.put("last", t.last());
        if (t.lang() != null) {
            node.put("lang", t.lang());
        }
        if (t.interruptible() != null) {
            node.put("interruptible", t.interruptible());
        }
        if (t.preemptible() != null) {
            node.put("preemptible", t.preemptible());
        }
        return node.toString();
    }

    @Test
    void everyShapeOfTextFrameIsWrittenAsTheTreeWroteIt() {
        List<String> tokens = List.of("", " Hello", "\"quoted\" \\ back", "line\nbreak\ttab\r", "\u0000\u001f\u007f",
                "caf\u00e9 \u00fcber \u4f60\u597d", "\ud83d\udc4b emoji", "</script>", "\u2028\u2029", "a".repeat(5000));
        List<OutboundMessage.Text> frames = new ArrayList<>();
        for (String token : tokens) {
            for (Boolean flag : new Boolean[] {null, true, false}) {
                frames.add(new OutboundMessage.Text(token, false, null, flag, null));
                frames.add(new OutboundMessage.Text(token, true, "es-ES", null, flag));
                frames.add(new OutboundMessage.Text(token, false, "en-US", flag, !Boolean.TRUE.equals(flag)));
            }
        }
        for (OutboundMessage.Text frame : frames) {
            String written = ProtocolCodec.encode(frame);
            assertEquals(asTree(frame), written);
            assertEquals(frame, ProtocolCodec.decodeOutbound(written), "the strict reader reads it back");
        }
    }
}
