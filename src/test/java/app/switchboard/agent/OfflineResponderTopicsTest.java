package app.switchboard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.sim.CallerScript;
import app.switchboard.sim.DemoCallers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo reads like real calls: each caller's question gets an answer about that question. */
class OfflineResponderTopicsTest {

    /** Plays a script's spoken and keyed turns through the responder, as the agent would build the conversation. */
    private static Map<String, String> conversation(CallerScript script) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(Settings.DEFAULT_PROMPT));
        Map<String, String> answers = new LinkedHashMap<>();
        for (CallerScript.Step step : script.steps()) {
            String said = step instanceof CallerScript.Say say ? say.text()
                    : step instanceof CallerScript.Press press
                    ? "(The caller pressed " + String.join(" ", press.digits().split("")) + " on the keypad.)" : null;
            if (said == null) {
                continue;
            }
            messages.add(ChatMessage.user(said));
            String answer = OfflineResponder.reply(messages);
            messages.add(ChatMessage.assistant(answer));
            answers.put(said, answer);
        }
        return answers;
    }

    private static CallerScript castMember(String name) {
        return DemoCallers.cast().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCallerWhoseParcelIsLostHearsAboutTheParcel() {
        Map<String, String> answers = conversation(castMember("lost parcel"));
        assertThat(answers.get("Hello, my parcel never arrived")).contains("parcel").contains("courier");
        assertThat(answers.get("It was supposed to be delivered yesterday, where is my package")).contains("replacement");
        assertThat(answers.get("Alright, thanks, bye")).contains("Thank you for calling");
    }

    @Test
    void aLockedOutCallerIsWalkedThroughAPasswordReset() {
        Map<String, String> answers = conversation(castMember("password reset"));
        assertThat(answers.get("I am locked out of my account, I forgot my password")).contains("reset link");
        assertThat(answers.get("How do I reset it")).contains("new password");
    }

    @Test
    void openingHoursAreAnsweredWithTheHours() {
        Map<String, String> answers = conversation(castMember("opening hours"));
        assertThat(answers.get("What are your opening hours")).contains("Monday to Friday");
        assertThat(answers.get("Are you open on Sunday")).contains("Saturdays");
    }

    @Test
    void billingQuestionsAreToldApartIntoBillChargeDueDateAndPayment() {
        Map<String, String> billing = conversation(castMember("billing question"));
        assertThat(billing.get("Hi, I have a question about my bill")).startsWith("Your last bill was twenty dollars");
        assertThat(billing.get("Why is there an extra charge this month")).contains("international call");
        Map<String, String> overTalker = conversation(castMember("talks over the agent"));
        assertThat(overTalker.get("Sorry, just tell me when the payment is due")).contains("due on the fifteenth");
        Map<String, String> keypad = conversation(castMember("keypad"));
        assertThat(keypad.get("I would like to pay my bill")).contains("press one to pay by card");
        assertThat(keypad.get("(The caller pressed 1 on the keypad.)")).contains("option 1, pay by card");
        assertThat(keypad.get("(The caller pressed 2 on the keypad.)")).contains("option 2, bank transfer");
    }

    @Test
    void aCallerWhoInsistsOnAHumanHearsTheAnswerMoveOn() {
        List<String> answers = List.copyOf(conversation(castMember("wants a human")).values());
        assertThat(answers).hasSize(3).allMatch(a -> a.contains("person") || a.contains("supervisor"));
        assertThat(answers).doesNotHaveDuplicates();
    }

    @Test
    void theSpanishCallerIsAnsweredInSpanishOnEachQuestion() {
        Map<String, String> answers = conversation(castMember("Spanish speaker"));
        assertThat(answers.get("Hola, tengo una pregunta sobre mi factura")).startsWith("Claro");
        assertThat(answers.get("¿Cuándo vence el pago de la factura?")).contains("vence el día quince");
        assertThat(answers.get("Muchas gracias, adiós")).contains("Gracias por llamar");
    }

    @Test
    void everyLineOfTheCastIsAnsweredOnItsTopicNotWithTheCatchAll() {
        for (CallerScript script : DemoCallers.cast()) {
            conversation(script).forEach((said, answer) ->
                    assertThat(answer).as(script.name() + ": " + said).doesNotContain("You said:").doesNotContain("Disculpe"));
        }
    }

    @Test
    void somethingUnrecognisedIsAskedAboutInsteadOfAnsweredWrongly() {
        String answer = OfflineResponder.reply(List.of(ChatMessage.user("My cat likes the radio")));
        assertThat(answer).contains("You said: My cat likes the radio");
    }

    /** The prompt the agent sends first; the responder must not read topics from it. */
    private static final class Settings {
        static final String DEFAULT_PROMPT = app.switchboard.config.Settings.DEFAULT_SYSTEM_PROMPT;
    }
}
