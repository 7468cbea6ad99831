package app.switchboard.agent;

import java.util.List;

/**
 * One entry of a call's conversation as the model sees it. The caller's words are always a
 * {@link Role#USER} message and never part of the system prompt: they are untrusted input.
 * An assistant message may carry the tool calls the model made; a {@link Role#TOOL} message
 * answers one of them by {@code toolCallId}.
 */
public record ChatMessage(Role role, String content, List<LlmClient.ToolCall> toolCalls, String toolCallId) {

    public enum Role { SYSTEM, USER, ASSISTANT, TOOL }

    public ChatMessage {
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    public static ChatMessage assistant(String content, List<LlmClient.ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content, toolCalls, null);
    }

    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId);
    }

    public ChatMessage withContent(String newContent) {
        return new ChatMessage(role, newContent, toolCalls, toolCallId);
    }
}
