package app.switchboard.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SentimentTest {

    private final Sentiment sentiment = Sentiment.shipped();

    @Test
    void theShippedLexiconHasAFewHundredWords() {
        assertTrue(sentiment.size() >= 280, "words: " + sentiment.size());
    }

    @Test
    void angryWordsScoreNegativeAndThanksPositive() {
        assertTrue(sentiment.score("This is terrible, I am so angry") < -0.5);
        assertTrue(sentiment.score("Great, thank you so much, that was really helpful") > 0.5);
    }

    @Test
    void aSentenceWithoutOpinionScoresZero() {
        assertEquals(0, sentiment.score("My account number is 4471 and I live in Leeds"));
        assertEquals(0, sentiment.score(""));
    }

    @Test
    void negationFlipsTheWordItReaches() {
        assertTrue(sentiment.score("I am happy") > 0);
        assertTrue(sentiment.score("I am not happy") < 0, "not happy");
        assertTrue(sentiment.score("I am not at all happy") < 0, "a negator three words back still counts");
        assertTrue(sentiment.score("that's not bad") > 0, "not bad");
        assertTrue(sentiment.score("I don't like waiting, this is useless") < 0);
    }

    @Test
    void negatedWordsAreMilderThanTheirOpposites() {
        assertTrue(sentiment.score("not good") > sentiment.score("bad"), "not good is milder than bad");
    }

    @Test
    void intensifiersStrengthenAndDampenersWeaken() {
        assertTrue(sentiment.score("very angry") < sentiment.score("angry"));
        assertTrue(sentiment.score("slightly annoyed") > sentiment.score("annoyed"));
    }

    @Test
    void spanishWordsAndNegationCount() {
        assertTrue(sentiment.score("Esto es un desastre, estoy muy enfadado") < -0.5);
        assertTrue(sentiment.score("Muchas gracias, perfecto") > 0.5);
        assertTrue(sentiment.score("No estoy contento") < 0, "no estoy contento");
    }

    @Test
    void caseAndCurlyApostrophesDoNotMatter() {
        assertEquals(sentiment.score("i don't like it, TERRIBLE"), sentiment.score("I don\u2019t like it, terrible"), 1e-9);
    }

    @Test
    void aMalformedLineIsSkippedNotFatal() {
        Sentiment s = Sentiment.read("# comment\ngood\t2\nbad\tnot-a-number\n@negator\tnot\n");
        assertEquals(1, s.size());
        assertTrue(s.score("not good") < 0);
    }
}
