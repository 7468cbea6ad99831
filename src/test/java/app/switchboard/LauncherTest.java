package app.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import org.junit.jupiter.api.Test;

class LauncherTest {

    @Test
    void theCommonPoolIsAPoolOnSmallMachines() {
        // At parallelism 1 the JDK runs every async task on a new thread.
        assertEquals(2, Launcher.commonPoolParallelism(1));
        assertEquals(2, Launcher.commonPoolParallelism(2));
        assertEquals(7, Launcher.commonPoolParallelism(8));
    }

    @Test
    void theXmlFactoriesNamedAreTheOnesTheLookupFinds() throws Exception {
        // Pinning the factories must not change which implementation the twilio SDK gets: the
        // class path scan (what the launcher skips) must end at the same JDK classes.
        String documents = System.getProperty("javax.xml.parsers.DocumentBuilderFactory");
        String transforms = System.getProperty("javax.xml.transform.TransformerFactory");
        System.clearProperty("javax.xml.parsers.DocumentBuilderFactory");
        System.clearProperty("javax.xml.transform.TransformerFactory");
        try {
            String scannedDocuments = DocumentBuilderFactory.newInstance().getClass().getName();
            String scannedTransforms = TransformerFactory.newInstance().getClass().getName();
            Launcher.useTheJdksXmlFactories();
            assertEquals(scannedDocuments, DocumentBuilderFactory.newInstance().getClass().getName());
            assertEquals(scannedTransforms, TransformerFactory.newInstance().getClass().getName());
            assertEquals(scannedDocuments, System.getProperty("javax.xml.parsers.DocumentBuilderFactory"));
            assertEquals(scannedTransforms, System.getProperty("javax.xml.transform.TransformerFactory"));
        } finally {
            restore("javax.xml.parsers.DocumentBuilderFactory", documents);
            restore("javax.xml.transform.TransformerFactory", transforms);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
