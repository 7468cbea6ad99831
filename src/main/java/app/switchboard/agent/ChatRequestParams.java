package app.switchboard.agent;

import app.switchboard.agent.LlmClient.Request;
import app.switchboard.agent.LlmClient.ToolCall;
import app.switchboard.agent.LlmClient.ToolSpec;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a turn's {@link Request} into openai-java's request params.
 *
 * <p>Each turn sends the whole conversation again, and openai-java's message builders are
 * costly (every builder converts its role constant through Jackson; a tool's schema goes through
 * {@code JsonValue.from} key by key). Built afresh on every turn, that was a quarter of the call
 * thread's CPU at 100 turns a call, and it grows with the conversation. So a message's params
 * are built once and reused while the conversation still holds that message (weak keys: an
 * ended call's messages leave with it), and a tool's once for the client's life.
 */
final class ChatRequestParams {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A settings file names a handful of tools; this only guards against a caller inventing them. */
    private static final int MAX_TOOLS_KEPT = 256;

    private final String model;
    private final Double temperature;
    private final Map<ChatMessage, ChatCompletionMessageParam> messages = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<ToolSpec, ChatCompletionTool> tools = new ConcurrentHashMap<>();

    /**
     * @param model       the model every request names
     * @param temperature sampling temperature for every request; null: the server's default
     */
    ChatRequestParams(String model, Double temperature) {
        this.model = model;
        this.temperature = temperature;
    }

    /** The params of one streaming request; {@code header} carries {@code value} for the HTTP layer to find it. */
    ChatCompletionCreateParams build(Request request, String header, String value) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder()
                .model(model)
                .putAdditionalHeader(header, value);
        if (temperature != null) {
            b.temperature(temperature);
        }
        List<ChatCompletionMessageParam> params = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            params.add(messages.computeIfAbsent(m, ChatRequestParams::message));
        }
        b.messages(params);
        for (ToolSpec spec : request.tools()) {
            ChatCompletionTool tool = tools.get(spec);
            if (tool == null) {
                tool = tool(spec);
                if (tools.size() < MAX_TOOLS_KEPT) {
                    tools.put(spec, tool);
                }
            }
            b.addTool(tool);
        }
        return b.build();
    }

    /** Messages whose params are kept: for tests of the weak keys. */
    int messagesKept() {
        return messages.size();
    }

    static ChatCompletionMessageParam message(ChatMessage m) {
        return switch (m.role()) {
            case SYSTEM -> ChatCompletionMessageParam.ofSystem(
                    ChatCompletionSystemMessageParam.builder().content(m.content()).build());
            case USER -> ChatCompletionMessageParam.ofUser(
                    ChatCompletionUserMessageParam.builder().content(m.content()).build());
            case ASSISTANT -> ChatCompletionMessageParam.ofAssistant(assistant(m));
            case TOOL -> ChatCompletionMessageParam.ofTool(ChatCompletionToolMessageParam.builder()
                    .toolCallId(m.toolCallId()).content(m.content()).build());
        };
    }

    private static ChatCompletionAssistantMessageParam assistant(ChatMessage m) {
        if (m.toolCalls().isEmpty()) {
            return ChatCompletionAssistantMessageParam.builder().content(m.content()).build();
        }
        ChatCompletionAssistantMessageParam.Builder a = ChatCompletionAssistantMessageParam.builder();
        if (!m.content().isEmpty()) {
            a.content(m.content());
        }
        for (ToolCall call : m.toolCalls()) {
            a.addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                    .id(call.id())
                    .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                            .name(call.name()).arguments(call.argumentsJson()).build())
                    .build());
        }
        return a.build();
    }

    private static ChatCompletionTool tool(ToolSpec tool) {
        FunctionParameters.Builder parameters = FunctionParameters.builder();
        schema(tool.parametersJsonSchema()).forEach((k, v) -> parameters.putAdditionalProperty(k, JsonValue.from(v)));
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(tool.name())
                        .description(tool.description())
                        .parameters(parameters.build())
                        .build())
                .build());
    }

    private static Map<String, Object> schema(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("Tool schema is not a JSON object: " + e.getMessage(), e);
        }
    }
}
