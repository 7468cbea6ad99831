package app.switchboard.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import app.switchboard.agent.LlmClient.Request;
import app.switchboard.agent.LlmClient.ToolCall;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChatRequestParamsTest {

    private static final String HEADER = "X-Stream";

    private static List<ChatMessage> conversation() {
        ToolCall call = new ToolCall("call_1", AgentTools.SEND_DIGITS, "{\"digits\":\"42\"}");
        return List.of(ChatMessage.system("You are the line of Acme."), ChatMessage.user("hi there"),
                ChatMessage.assistant("", List.of(call)), ChatMessage.tool("call_1", "sent"),
                ChatMessage.assistant("Done. Anything else?"), ChatMessage.user("no, thanks"));
    }

    @Test
    void theBodyIsWhatOpenAiJavasOwnBuildersWrite() throws Exception {
        // The wire must not change with the reuse: compare with the builder calls the client made before.
        List<ChatMessage> messages = conversation();
        Request request = new Request(messages, AgentTools.specs(List.of("en-US", "es-ES")));
        ChatCompletionCreateParams built = new ChatRequestParams("gpt-4o-mini", 0.3).build(request, HEADER, "s1");

        ChatCompletionCreateParams.Builder expected = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .putAdditionalHeader(HEADER, "s1").temperature(0.3)
                .addSystemMessage("You are the line of Acme.")
                .addUserMessage("hi there")
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .addToolCall(ChatCompletionMessageFunctionToolCall.builder().id("call_1")
                                .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                        .name(AgentTools.SEND_DIGITS).arguments("{\"digits\":\"42\"}").build())
                                .build())
                        .build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_1").content("sent").build())
                .addMessage(ChatCompletionAssistantMessageParam.builder().content("Done. Anything else?").build())
                .addUserMessage("no, thanks");
        // Tools: the same specs through the same conversion, so only the messages are compared field by field.
        String builtJson = ObjectMappers.jsonMapper().writeValueAsString(built._body());
        ChatCompletionCreateParams reference = expected.tools(built.tools().orElseThrow()).build();
        assertEquals(ObjectMappers.jsonMapper().writeValueAsString(reference._body()), builtJson);
        assertEquals(AgentTools.specs(List.of("en-US", "es-ES")).size(), built.tools().orElseThrow().size(), builtJson);
        assertEquals("s1", built._headers().values(HEADER).get(0));
    }

    @Test
    void aMessageAlreadySentIsNotBuiltAgain() {
        ChatRequestParams params = new ChatRequestParams("m", null);
        List<ChatMessage> messages = new ArrayList<>(conversation());
        ChatCompletionCreateParams first = params.build(new Request(messages, AgentTools.specs(List.of("en-US"))), HEADER, "a");
        messages.add(ChatMessage.assistant("You're welcome."));
        ChatCompletionCreateParams second = params.build(new Request(messages, AgentTools.specs(List.of("en-US"))), HEADER, "b");

        for (int i = 0; i < first.messages().size(); i++) {
            assertSame(first.messages().get(i), second.messages().get(i), "message " + i);
        }
        assertEquals(first.messages().size() + 1, second.messages().size());
        assertSame(first.tools().orElseThrow().get(0), second.tools().orElseThrow().get(0));
    }

    @Test
    @Timeout(30)
    void anEndedConversationsMessagesAreLetGo() {
        ChatRequestParams params = new ChatRequestParams("m", null);
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(ChatMessage.user("question " + i));
            messages.add(ChatMessage.assistant("answer " + i));
        }
        params.build(new Request(messages, List.of()), HEADER, "a");
        assertEquals(100, params.messagesKept());
        messages.clear();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return params.messagesKept() == 0;
        });
    }
}
