package app.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeardTextTest {

    @Test
    void caseWhitespaceAndPunctuationDoNotCount() {
        String sent = "Your last bill, sir, was due on Monday. Anything else?";
        assertEquals("Your last bill, sir, was due on Monday.",
                HeardText.heardPrefix(sent, "your last bill sir   was due on monday"));
    }

    @Test
    void dollarAmountMatchesHowTheVoiceSaysIt() {
        String sent = "Your bill is $20 this month, due on the 15th.";
        assertEquals("Your bill is $20", HeardText.heardPrefix(sent, "Your bill is twenty dollars"));
        assertEquals("Your bill is $20 this month, due on the 15th.",
                HeardText.heardPrefix(sent, "your bill is twenty dollars this month due on the fifteenth"));
    }

    @Test
    void dollarsAndCentsMatchEitherWay() {
        String sent = "That comes to $20.40 in total.";
        assertEquals("That comes to $20.40", HeardText.heardPrefix(sent, "That comes to twenty dollars and forty cents"));
        assertEquals("That comes to $20.40", HeardText.heardPrefix(sent, "that comes to $20.40"));
    }

    @Test
    void halfHeardAmountIsNotKept() {
        String sent = "That comes to $20.40 in total.";
        assertEquals("That comes to", HeardText.heardPrefix(sent, "that comes to twenty dollars"));
    }

    @Test
    void numbersYearsPercentAndPhoneDigitsMatch() {
        assertEquals("Since 2024 we charge 5%",
                HeardText.heardPrefix("Since 2024 we charge 5% more.", "since twenty twenty four we charge five percent"));
        assertEquals("Call 5551212",
                HeardText.heardPrefix("Call 5551212 now.", "call five five five one two one two"));
        assertEquals("It costs 1,200 euros.",
                HeardText.heardPrefix("It costs 1,200 euros.", "it costs one thousand two hundred euros"));
    }

    @Test
    void markupIsNotSpoken() {
        String sent = "Please hold <break time=\"1s\"/> while I <emphasis>check</emphasis> your account.";
        assertEquals("Please hold <break time=\"1s\"/> while I <emphasis>check",
                HeardText.heardPrefix(sent, "please hold while I check"));
    }

    @Test
    void aMissKeepsOnlyTheSafePrefix() {
        String sent = "We are open from eight until six on weekdays.";
        assertEquals("We are open from", HeardText.heardPrefix(sent, "we are open from nine until six"));
    }

    @Test
    void aWordCutShortCountsAsHeard() {
        assertEquals("The total is twenty",
                HeardText.heardPrefix("The total is twenty dollars.", "the total is twen"));
    }

    @Test
    void nothingHeardKeepsNothing() {
        assertEquals("", HeardText.heardPrefix("Hello there.", ""));
        assertEquals("", HeardText.heardPrefix("Hello there.", "goodbye"));
    }

    @Test
    void accentsDoNotCount() {
        assertEquals("Su factura vence el día quince.",
                HeardText.heardPrefix("Su factura vence el día quince. Algo más?", "su factura vence el dia quince"));
    }
}
