import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Writes the list of bundled software and its licences that Help › About shows
 * ({@code src/main/resources/about/third-party-licenses.tsv}), from Maven's list of runtime
 * dependencies and the licences their POMs declare (a POM without one inherits its parent's).
 * Run from the project root after a dependency changes; {@code ThirdPartyLicensesTest} fails until
 * the list matches the class path again:
 * <pre>
 * ./mvnw -q dependency:list -DincludeScope=runtime -DoutputFile=target/runtime-dependencies.txt
 * java installer/ThirdPartyLicenses.java target/runtime-dependencies.txt src/main/resources/about/third-party-licenses.tsv
 * </pre>
 */
public final class ThirdPartyLicenses {

    private static final Pattern LINE = Pattern.compile("^\\s*([^:\\s]+):([^:]+):jar:(?:[^:]+:)?([^:]+):(compile|runtime)\\b.*");
    private static final Path REPOSITORY = Path.of(System.getProperty("maven.repo.local",
            Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));

    public static void main(String[] args) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String group = m.group(1);
            String artifact = m.group(2);
            String version = m.group(3);
            String[] licence = licence(group, artifact, version, 0);
            if (licence == null) {
                throw new IllegalStateException("no licence declared for " + group + ":" + artifact + ":" + version
                        + " or its parents: add it by hand");
            }
            rows.put(group + ":" + artifact, String.join("\t", group + ":" + artifact, version, licence[0], licence[1]));
        }
        List<String> out = new ArrayList<>();
        out.add("# Bundled software and its licences, written by installer/ThirdPartyLicenses.java (see there).");
        out.add("# artifact\tversion\tlicence\tlicence URL");
        out.addAll(rows.values());
        Files.createDirectories(Path.of(args[1]).getParent());
        Files.write(Path.of(args[1]), out);
        System.out.println(rows.size() + " dependencies written to " + args[1]);
    }

    /** {name, url} of the first licence the POM (or a parent) declares; several are joined with " OR ". */
    private static String[] licence(String group, String artifact, String version, int depth) throws Exception {
        Path pom = REPOSITORY.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                .resolve(artifact + "-" + version + ".pom");
        if (depth > 8 || !Files.exists(pom)) {
            return null;
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        Element project = doc.getDocumentElement();
        Element licenses = child(project, "licenses");
        if (licenses != null) {
            List<String> names = new ArrayList<>();
            String url = "";
            NodeList list = licenses.getElementsByTagName("license");
            for (int i = 0; i < list.getLength(); i++) {
                Element l = (Element) list.item(i);
                names.add(text(l, "name").replaceAll("\\s+", " "));
                if (url.isEmpty()) {
                    url = text(l, "url");
                }
            }
            if (!names.isEmpty()) {
                return new String[] {String.join(" OR ", names), url};
            }
        }
        Element parent = child(project, "parent");
        if (parent == null) {
            return null;
        }
        return licence(text(parent, "groupId"), text(parent, "artifactId"), text(parent, "version"), depth + 1);
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().strip();
    }
}
