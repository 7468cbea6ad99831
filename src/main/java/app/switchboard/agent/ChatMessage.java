package app.switchboard.agent;

/**
 * One entry of a call's conversation as the model sees it. The caller's words are always a
 * {@link Role#USER} message and never part of the system prompt: they are untrusted input.
 */
public record ChatMessage(Role role, String content) {

    public enum Role { SYSTEM, USER, ASSISTANT }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
