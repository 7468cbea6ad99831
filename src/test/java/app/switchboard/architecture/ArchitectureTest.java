package app.switchboard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the product's classes (tests and
 * benchmarks excluded). A breach fails the build with the offending dependency named.
 */
class ArchitectureTest {

    private static final String APP = "app.switchboard";
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(APP);
    }

    private static String pkg(String name) {
        return APP + "." + name + "..";
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching(APP + ".(*)..").should().beFreeOfCycles().check(product);
    }

    @Test
    void protocolDependsOnNothingOfTheApp() {
        classes().that().resideInAPackage(pkg("protocol"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("protocol"), "java..",
                        "com.fasterxml.jackson..")
                .check(product);
    }

    @Test
    void theCallModelKnowsOnlyTheProtocol() {
        classes().that().resideInAPackage(pkg("call"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("call"), pkg("protocol"), pkg("concurrent"), "java..",
                        "com.fasterxml.jackson..", "org.slf4j..")
                .check(product);
    }

    @Test
    void theAgentReachesTheCallOnlyThroughItsSeam() {
        noClasses().that().resideInAPackage(pkg("agent"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("relay"), pkg("store"), pkg("console"),
                        pkg("sim"), pkg("account"), "javafx..", "org.eclipse.jetty..")
                .check(product);
    }

    @Test
    void theStoreIsFedByEventsAndKnowsNoTransportOrUi() {
        noClasses().that().resideInAPackage(pkg("store"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("relay"), pkg("agent"), pkg("console"),
                        pkg("sim"), pkg("account"), "javafx..", "org.eclipse.jetty..")
                .check(product);
    }

    @Test
    void theRelayNeverTouchesTheUi() {
        noClasses().that().resideInAPackage(pkg("relay"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("console"), pkg("store"), pkg("agent"),
                        "javafx..")
                .check(product);
    }

    @Test
    void theConsoleWorksThroughTheCallControlAndHistorySeamsOnly() {
        noClasses().that().resideInAPackage(pkg("console"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("relay"), pkg("store"), pkg("agent"),
                        pkg("sim"), pkg("cluster"), "org.eclipse.jetty..", "java.sql..", "org.sqlite..", "com.openai..",
                        "io.lettuce..")
                .check(product);
    }

    /** The console's feature packages (one folder per screen part), beside the shell and {@code console.shared}. */
    private static final java.util.List<String> CONSOLE_FEATURES =
            java.util.List.of("calls", "detail", "history", "floor", "settings", "account");

    @Test
    void consoleFeaturesUseOneAnotherOnlyThroughTheCallModel() {
        // Every feature shows live calls, so the call model in console.calls (LiveCall, CallBoard,
        // TranscriptReducer and its entries) is open to all; the call list itself is not. History shows
        // an opened past call with the detail's header and conversation rows: the one other exception.
        for (String feature : CONSOLE_FEATURES) {
            java.util.List<String> others = new java.util.ArrayList<>();
            for (String other : CONSOLE_FEATURES) {
                boolean open = other.equals(feature) || other.equals("calls")
                        || (feature.equals("history") && other.equals("detail"));
                if (!open) {
                    others.add(pkg("console." + other));
                }
            }
            String callList = feature.equals("calls") ? "$^"
                    : APP.replace(".", "\\.") + "\\.console\\.calls\\.CallList(View|ViewModel)(\\$.*)?";
            noClasses().that().resideInAPackage(pkg("console." + feature))
                    .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
                    .orShould().dependOnClassesThat().haveNameMatching(callList)
                    .as("console." + feature + " uses other console features only through the call model")
                    .check(product);
        }
    }

    @Test
    void consoleFeaturesAndSharedWidgetsNeverReachTheShell() {
        // The shell (console itself: the window, its menus, the context) puts the features together;
        // they get what they need from it as arguments, so no package cycle runs through the shell.
        noClasses().that().resideOutsideOfPackage(APP + ".console").and().resideInAPackage(pkg("console"))
                .should().dependOnClassesThat().resideInAPackage(APP + ".console")
                .check(product);
    }

    @Test
    void sharedConsoleWidgetsKnowNoFeature() {
        String[] features = CONSOLE_FEATURES.stream().map(f -> pkg("console." + f)).toArray(String[]::new);
        noClasses().that().resideInAPackage(pkg("console.shared"))
                .should().dependOnClassesThat().resideInAnyPackage(features)
                .check(product);
    }

    @Test
    void theSimulatorSpeaksOnlyTheProtocol() {
        noClasses().that().resideInAPackage(pkg("sim"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("call"), pkg("relay"), pkg("store"),
                        pkg("agent"), pkg("console"), "javafx..")
                .check(product);
    }

    @Test
    void theSupervisorApiWorksThroughTheCallControlSeam() {
        noClasses().that().resideInAPackage(pkg("supervisor"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("relay"), pkg("store"), pkg("agent"),
                        pkg("console"), pkg("sim"), pkg("account"), "javafx..")
                .check(product);
    }

    @Test
    void whatAConsoleUsesOfTheSupervisorApiIsFreeOfJetty() {
        // The remote console uses the client, its transport seam, the message model and RemoteCallControl
        // (with its pinning and backoff); Jetty stays in JettySupervisorTransport and the relay side.
        noClasses().that().haveNameMatching(APP.replace(".", "\\.")
                        + "\\.supervisor\\.(SupervisorClient|SupervisorTransport|SupervisorMessage|SupervisorCodec|RemoteCallControl|RelayConnection|RemoteCalls|RemoteAudio|RemotePresence|RemoteCommands|PinnedCertificate|Backoff|PingTiming)(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..")
                .check(product);
    }

    @Test
    void theClusterWorksOnTheCallModelThroughRedisOnly() {
        // The console sees the cluster only as a CallControl; the cluster never reaches a transport,
        // the store (each node's SQLite file is fed by its registry, never through Redis) or the UI.
        classes().that().resideInAPackage(pkg("cluster"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("cluster"), pkg("call"), pkg("history"), pkg("concurrent"),
                        pkg("config"), "java..", "com.fasterxml.jackson..", "org.slf4j..", "io.lettuce..")
                .check(product);
    }

    @Test
    void onlyTheCompositionRootJoinsACluster() {
        noClasses().that().resideOutsideOfPackages(APP, pkg("cluster"))
                .should().dependOnClassesThat().resideInAPackage(pkg("cluster"))
                .check(product);
    }

    @Test
    void redisStaysInTheCluster() {
        noClasses().that().resideOutsideOfPackage(pkg("cluster"))
                .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..")
                .check(product);
    }

    @Test
    void liveAudioIsFreeOfTransportUiAndCalls() {
        // The relay (its /media endpoint), the console (Listen) and the simulator all use it; it uses none of them.
        classes().that().resideInAPackage(pkg("media"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("media"), pkg("concurrent"), "java..", "javax.sound..",
                        "com.fasterxml.jackson..", "org.slf4j..")
                .check(product);
    }

    @Test
    void configurationDependsOnNoFeature() {
        noClasses().that().resideInAPackage(pkg("config"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("agent"), pkg("call"), pkg("relay"),
                        pkg("store"), pkg("console"), pkg("sim"), pkg("account"), pkg("supervisor"),
                        pkg("cluster"))
                .check(product);
    }

    @Test
    void replayDrivesTheAgentOffline() {
        // protocol: the AgentPort seam's own types (the frames the dry-run port records instead of sending)
        classes().that().resideInAPackage(pkg("replay"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("replay"), pkg("agent"), pkg("call"), pkg("concurrent"),
                        pkg("history"), pkg("store"), pkg("config"), pkg("protocol"), "java..",
                        "com.fasterxml.jackson..")
                .check(product);
    }

    @Test
    void onlyTheCompositionRootAndTheConsoleReachReplays() {
        noClasses().that().resideOutsideOfPackages(APP, pkg("replay"), pkg("console"))
                .should().dependOnClassesThat().resideInAPackage(pkg("replay"))
                .check(product);
    }

    @Test
    void theConsoleStartsReplaysThroughTheServiceOnly() {
        // The engine, its dry-run port and the model client stay behind ReplayService, so the
        // console never handles the agent's types.
        noClasses().that().resideInAPackage(pkg("console"))
                .should().dependOnClassesThat().haveNameMatching(APP.replace(".", "\\.")
                        + "\\.replay\\.(ReplayEngine|DryRunPort|Answers)(\\$.*)?")
                .check(product);
    }

    @Test
    void benchmarkAndLoadToolsStayOutOfTheProduct() {
        noClasses().should().haveSimpleNameEndingWith("Benchmark")
                .orShould().haveSimpleName("LoadGenerator")
                .orShould().haveSimpleName("InProcessRelay")
                .orShould().resideInAPackage(pkg("bench"))
                .check(product);
    }

    @Test
    void threadsAreMadeInOnePlace() {
        // Named, daemon where right, uncaught exceptions logged: see Threads.
        noClasses().that().resideOutsideOfPackage(pkg("concurrent"))
                .should().callConstructorWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(Thread.class))))
                .because("threads are made by app.switchboard.concurrent.Threads")
                .check(product);
    }

    @Test
    void theConcurrencyPackageIsALeaf() {
        classes().that().resideInAPackage(pkg("concurrent"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(pkg("concurrent"), "java..", "org.slf4j..")
                .check(product);
    }
}
