package app.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Help › About lists the software bundled with the app and its licences. The list is a resource
 * written by {@code installer/ThirdPartyLicenses.java}; these tests fail when it no longer matches
 * the build (a dependency added or upgraded without running the script again).
 */
class AboutInfoTest {

    private static final List<AboutInfo.Component> LISTED = AboutInfo.components();

    @Test
    void everyListedLibraryHasALicence() {
        assertThat(LISTED).hasSizeGreaterThan(20);
        assertThat(LISTED).allSatisfy(c -> assertThat(c.licence()).as(c.artifact()).isNotBlank());
    }

    @Test
    void everyListedVersionIsTheOneOnTheClassPath() {
        Set<String> jars = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString()).collect(Collectors.toSet());
        for (AboutInfo.Component c : LISTED) {
            String artifact = c.artifact().substring(c.artifact().indexOf(':') + 1);
            assertThat(jars).as("%s %s is on the class path (run installer/ThirdPartyLicenses.java after a dependency change)",
                    c.artifact(), c.version()).anyMatch(j -> j.startsWith(artifact + "-" + c.version()) && j.endsWith(".jar"));
        }
    }

    @Test
    void everyDirectDependencyShippedWithTheAppIsListed() throws Exception {
        Set<String> listed = LISTED.stream().map(AboutInfo.Component::artifact).collect(Collectors.toSet());
        for (String dependency : shippedDirectDependencies()) {
            assertThat(listed).as("the licence list names " + dependency).contains(dependency);
        }
    }

    @Test
    void theLicenceTextNamesEachLibraryWithItsLicence() {
        String text = AboutInfo.licenceText(AboutInfo.parse(List.of("# comment",
                "org.eclipse.jetty:jetty-server\t12.1.14\tEPL-2.0 OR Apache-2.0\thttps://www.eclipse.org/legal/epl-2.0/")));
        assertThat(text).isEqualTo("org.eclipse.jetty:jetty-server 12.1.14 \u2014 EPL-2.0 OR Apache-2.0 (https://www.eclipse.org/legal/epl-2.0/)\n");
    }

    /** The pom's own dependencies outside the test scope (what jpackage puts in the installer). */
    private static List<String> shippedDirectDependencies() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml")).getDocumentElement();
        Element dependencies = child(project, "dependencies");
        List<String> result = new ArrayList<>();
        NodeList list = dependencies.getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            String scope = text(d, "scope");
            if (scope.equals("test") || scope.equals("provided") || scope.equals("import")) {
                continue;
            }
            result.add(text(d, "groupId") + ":" + text(d, "artifactId"));
        }
        assertThat(result).isNotEmpty();
        return result;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("pom.xml has no <" + name + ">");
    }

    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return "";
    }
}
