import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Builds Switchboard's installer from what {@code mvn package} left in {@code target/}:
 * {@code switchboard.jar} (manifest Class-Path {@code lib/…}) and the dependency jars in {@code lib/}.
 *
 * <ol>
 *   <li>jdeps finds the JDK modules the jars use; {@code jdk.crypto.ec} is added by hand (TLS with
 *       EC keys needs it and jdeps cannot see a provider looked up by name).</li>
 *   <li>The JavaFX platform jars from Maven are turned into jmods, native libraries in the jmod's
 *       lib section, so the runtime loads them like the JDK's own instead of unpacking them into
 *       {@code ~/.openjfx/cache} on first start.</li>
 *   <li>jlink makes a small runtime of those modules.</li>
 *   <li>jpackage makes the app image (app on the class path, JavaFX from the runtime) and then the
 *       platform's package(s) from that image.</li>
 * </ol>
 *
 * Before that, a separate step ({@code --step filter-jars}, run by the profile at prepare-package)
 * writes trimmed copies of two large dependencies to {@code target/installer-jars/}: openai-java-core
 * with only the packages listed in {@code installer/openai-java-core.packages} (the app uses its
 * chat-completions path, a few MiB of a 72 MiB jar of generated models), and sqlite-jdbc with only
 * this platform's native library. The profile then runs the agent and store tests against those
 * copies, and the package step ships them in place of the originals.
 *
 * Runs with the source launcher on the JDK that runs Maven (17+), on Linux, Windows or macOS; each
 * OS builds its own installers. The Maven profile {@code installer} calls it; by hand:
 * {@code java installer/BuildInstaller.java --step filter-jars --classpath CP} and then
 * {@code java installer/BuildInstaller.java --version 0.1.0 --description "…" [--types deb]}.
 * Static options for jpackage live in {@code installer/jpackage/*.args} (jpackage's @argfile format).
 */
public final class BuildInstaller {

    private static final String NAME = "Switchboard";
    private static final String MAIN_JAR = "switchboard.jar";
    /** Modules the app needs that jdeps cannot see: security providers found by name. */
    private static final List<String> EXTRA_JDK_MODULES = List.of("jdk.crypto.ec");
    /** JavaFX modules the console uses; javafx.base and javafx.graphics come with them. */
    private static final List<String> JAVAFX_ROOTS = List.of("javafx.controls", "javafx.fxml");
    private static final Pattern JAVAFX_PLATFORM_JAR =
            Pattern.compile("javafx-(base|graphics|controls|fxml)-([0-9][^-]*)-([a-z0-9-]+)\\.jar");
    /** Trimmed copies of dependencies, under target/: written by the filter-jars step, shipped by the package step. */
    private static final String FILTERED_JARS = "installer-jars";
    private static final Pattern OPENAI_CORE_JAR = Pattern.compile("openai-java-core-[0-9][^/\\\\]*\\.jar");
    private static final Pattern SQLITE_JAR = Pattern.compile("sqlite-jdbc-[0-9][^/\\\\]*\\.jar");
    private static final String SQLITE_NATIVES = "org/sqlite/native/";

    private final Path project;
    private final Path target;
    /** Output: the app image and the installers. */
    private final Path work;
    /** Intermediate steps: staged input, jdeps copies, JavaFX jmods, the runtime. */
    private final Path build;
    private final Path filteredJars;
    private final String version;
    private final String description;
    private final List<String> types;
    private final Os os;

    enum Os {
        LINUX("linux", "switchboard.png", List.of("deb")),
        WINDOWS("windows", "switchboard.ico", List.of("msi")),
        MACOS("macos", "switchboard.icns", List.of("dmg"));

        final String argsName;
        final String icon;
        final List<String> defaultTypes;

        Os(String argsName, String icon, List<String> defaultTypes) {
            this.argsName = argsName;
            this.icon = icon;
            this.defaultTypes = defaultTypes;
        }

        static Os current() {
            String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (name.contains("win")) {
                return WINDOWS;
            }
            if (name.contains("mac")) {
                return MACOS;
            }
            return LINUX;
        }
    }

    private BuildInstaller(Map<String, String> options) {
        this.os = Os.current();
        this.project = Path.of(options.getOrDefault("project", ".")).toAbsolutePath().normalize();
        this.target = project.resolve(options.getOrDefault("target", "target"));
        this.work = target.resolve("installer");
        this.build = work.resolve("build");
        this.filteredJars = target.resolve(FILTERED_JARS);
        if (options.getOrDefault("step", "package").equals("filter-jars")) {
            this.version = null;
            this.description = null;
            this.types = List.of();
            return;
        }
        this.version = appVersion(require(options, "version"));
        if (os == Os.MACOS && version.startsWith("0")) {
            throw new BuildException("jpackage on macOS refuses a version starting with 0 (got " + version
                    + "); pass one for the package, e.g. -Dinstaller.version=1.0.0");
        }
        this.description = options.getOrDefault("description", "Operator console for AI voice agents");
        String t = options.getOrDefault("types", "").trim();
        this.types = t.isEmpty() ? os.defaultTypes : Arrays.asList(t.split("\\s*,\\s*"));
    }

    public static void main(String[] args) {
        try {
            Map<String, String> options = parse(args);
            String step = options.getOrDefault("step", "package");
            switch (step) {
                case "filter-jars" -> new BuildInstaller(options).filterJars(require(options, "classpath"));
                case "package" -> new BuildInstaller(options).build();
                default -> throw new BuildException("--step is filter-jars or package, got " + step);
            }
        } catch (BuildException e) {
            System.err.println("BuildInstaller: " + e.getMessage());
            System.exit(1);
        }
    }

    private void build() {
        Path mainJar = target.resolve(MAIN_JAR);
        Path lib = target.resolve("lib");
        if (!Files.isRegularFile(mainJar) || !Files.isDirectory(lib)) {
            throw new BuildException("missing " + mainJar + " or " + lib + ": run the package phase first");
        }
        deleteRecursively(work);
        createDirectories(work);

        // The jar's manifest Class-Path is the list of what the app needs: target/lib may also hold
        // jars of earlier builds, and jpackage puts every input jar on the class path.
        List<Path> appJars = new ArrayList<>();
        List<Path> javafxPlatformJars = new ArrayList<>();
        for (String entry : manifestClassPath(mainJar)) {
            Path jar = target.resolve(entry).normalize();
            if (!jar.startsWith(lib) || !Files.isRegularFile(jar)) {
                throw new BuildException("the manifest of " + mainJar + " names " + entry + ", which is not in " + lib);
            }
            String name = jar.getFileName().toString();
            if (JAVAFX_PLATFORM_JAR.matcher(name).matches()) {
                javafxPlatformJars.add(jar);
            } else if (!name.startsWith("javafx-")) {
                appJars.add(jar); // the classifier-less javafx-*.jar are empty: JavaFX goes into the runtime
            }
        }
        if (javafxPlatformJars.size() != 4) {
            throw new BuildException("expected the four JavaFX platform jars (base, graphics, controls, fxml) on the"
                    + " Class-Path of " + mainJar + ", found " + javafxPlatformJars);
        }

        Path input = stageInput(mainJar, appJars);
        List<String> jdkModules = jdkModules(input);
        Path fxJmods = javafxJmods(javafxPlatformJars);
        Path runtime = jlink(jdkModules, fxJmods);
        Path appImage = appImage(input, runtime);
        for (String type : types) {
            if (!type.equals("app-image")) {
                installer(type, appImage);
            }
        }
        report(runtime, appImage);
    }

    /**
     * jpackage's --input: the app jar next to lib/ with every dependency except JavaFX (that is in the
     * runtime), the trimmed copies from the filter-jars step in place of their originals.
     */
    private Path stageInput(Path mainJar, List<Path> appJars) {
        if (!Files.isDirectory(filteredJars)) {
            throw new BuildException("missing " + filteredJars + ": run the filter-jars step first (the installer profile does)");
        }
        Set<String> filtered = new HashSet<>();
        list(filteredJars).stream().map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).forEach(filtered::add);
        Path input = build.resolve("input");
        Path inputLib = input.resolve("lib");
        createDirectories(inputLib);
        copy(mainJar, input.resolve(MAIN_JAR));
        for (Path jar : appJars) {
            String name = jar.getFileName().toString();
            boolean trimmed = filtered.remove(name);
            copy(trimmed ? filteredJars.resolve(name) : jar, inputLib.resolve(name));
            if (trimmed) {
                log("shipping trimmed " + name + " (" + mib(sizeOf(filteredJars.resolve(name))) + " instead of " + mib(sizeOf(jar)) + ")");
            }
        }
        if (!filtered.isEmpty()) {
            // A trimmed jar of another version than the manifest names: a stale step output.
            throw new BuildException(filteredJars + " holds " + filtered + ", which " + mainJar + " does not name: rerun the filter-jars step");
        }
        log("staged " + (appJars.size() + 1) + " jars in " + project.relativize(input));
        return input;
    }

    /**
     * Writes trimmed copies of openai-java-core and sqlite-jdbc, found on the given class path (the
     * runtime class path Maven resolved), to target/installer-jars/.
     */
    private void filterJars(String classPath) {
        deleteRecursively(filteredJars);
        createDirectories(filteredJars);
        Path openai = null;
        Path sqlite = null;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            String name = jar.getFileName().toString();
            if (OPENAI_CORE_JAR.matcher(name).matches()) {
                openai = jar;
            } else if (SQLITE_JAR.matcher(name).matches()) {
                sqlite = jar;
            }
        }
        if (openai == null || sqlite == null) {
            throw new BuildException("openai-java-core or sqlite-jdbc is not on the class path " + classPath);
        }
        Path packagesFile = project.resolve("installer/openai-java-core.packages");
        PackageList packages = PackageList.read(packagesFile);
        // Everything that is not a class is kept: Kotlin module metadata (META-INF/*.kotlin_module),
        // service and native-image files, the manifest. Classes are kept by whole package.
        filterJar(openai, name -> !name.endsWith(".class") || packages.keeps(packageOf(name)),
                "packages of " + project.relativize(packagesFile));

        String natives = SQLITE_NATIVES + sqliteNativeFolder() + "/";
        if (!entryNames(sqlite).stream().anyMatch(n -> n.startsWith(natives) && !n.endsWith("/"))) {
            throw new BuildException(sqlite.getFileName() + " has no native library under " + natives);
        }
        filterJar(sqlite, name -> !name.startsWith(SQLITE_NATIVES) || name.startsWith(natives) || natives.startsWith(name),
                "natives of " + natives);
    }

    private void filterJar(Path jar, Predicate<String> keep, String what) {
        Path out = filteredJars.resolve(jar.getFileName());
        int[] counts = copyWithout(jar, out, keep.negate());
        log("trimmed " + jar.getFileName() + " to the " + what + ": kept " + counts[0] + " of " + (counts[0] + counts[1])
                + " entries, " + mib(sizeOf(jar)) + " -> " + mib(sizeOf(out)));
    }

    /** sqlite-jdbc's folder for this OS and CPU (its OSInfo names), e.g. Linux/x86_64; glibc Linux only, not Musl or Android. */
    private String sqliteNativeFolder() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        String osFolder = switch (os) {
            case LINUX -> "Linux";
            case WINDOWS -> "Windows";
            case MACOS -> "Mac";
        };
        return osFolder + "/" + arch;
    }

    private static String packageOf(String classEntry) {
        int slash = classEntry.lastIndexOf('/');
        return slash < 0 ? "" : classEntry.substring(0, slash).replace('/', '.');
    }

    /** Package names, one a line ({@code #} comments); {@code a.b.**} keeps a.b and every package under it. */
    record PackageList(Set<String> exact, List<String> prefixes) {
        static PackageList read(Path file) {
            Set<String> exact = new HashSet<>();
            List<String> prefixes = new ArrayList<>();
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BuildException("cannot read " + file + ": " + e.getMessage());
            }
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.endsWith(".**")) {
                    String base = line.substring(0, line.length() - 3);
                    exact.add(base);
                    prefixes.add(base + ".");
                } else {
                    exact.add(line);
                }
            }
            if (exact.isEmpty()) {
                throw new BuildException(file + " lists no package");
            }
            return new PackageList(exact, prefixes);
        }

        boolean keeps(String pkg) {
            return exact.contains(pkg) || prefixes.stream().anyMatch(pkg::startsWith);
        }
    }

    /**
     * jdeps over all jars as one class path. Some dependencies are modular jars whose module-info
     * names modules that are plain jars here (jdeps then stops with FindException); the app runs
     * from the class path anyway, so jdeps reads copies without module-info.
     */
    private List<String> jdkModules(Path input) {
        Path plain = build.resolve("jdeps");
        createDirectories(plain);
        List<Path> copies = new ArrayList<>();
        for (Path jar : jarsUnder(input)) {
            Path copy = plain.resolve(jar.getFileName());
            copyWithout(jar, copy, name -> name.equals("module-info.class") || name.endsWith("/module-info.class"));
            copies.add(copy);
        }
        List<String> args = new ArrayList<>(List.of("--multi-release", "17", "--ignore-missing-deps",
                "--print-module-deps", "--class-path", plain.resolve("*").toString()));
        copies.forEach(c -> args.add(c.toString()));
        String out = run("jdeps", args).trim();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        if (!last.matches("[a-z0-9.,]+")) {
            throw new BuildException("jdeps did not print a module list:\n" + out);
        }
        TreeSet<String> modules = new TreeSet<>(Arrays.asList(last.split(",")));
        modules.addAll(EXTRA_JDK_MODULES);
        log("JDK modules: jdeps " + last + " + " + EXTRA_JDK_MODULES);
        return new ArrayList<>(modules);
    }

    /** One jmod per JavaFX platform jar: classes and resources, native libraries as the jmod's libs. */
    private Path javafxJmods(List<Path> platformJars) {
        Path jmods = build.resolve("javafx-jmods");
        createDirectories(jmods);
        for (Path jar : platformJars) {
            Matcher m = JAVAFX_PLATFORM_JAR.matcher(jar.getFileName().toString());
            if (!m.matches()) {
                throw new IllegalStateException(jar.toString());
            }
            String module = "javafx." + m.group(1);
            Path classes = build.resolve("javafx-unpacked").resolve(module).resolve("classes");
            Path natives = build.resolve("javafx-unpacked").resolve(module).resolve("lib");
            createDirectories(classes);
            createDirectories(natives);
            unpack(jar, classes, natives);
            List<String> args = new ArrayList<>(List.of("create", "--class-path", classes.toString()));
            if (!list(natives).isEmpty()) {
                args.addAll(List.of("--libs", natives.toString()));
            }
            args.add(jmods.resolve(module + ".jmod").toString());
            run("jmod", args);
        }
        log("JavaFX jmods from " + platformJars.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
        return jmods;
    }

    private Path jlink(List<String> jdkModules, Path fxJmods) {
        Path runtime = build.resolve("runtime");
        List<String> modules = new ArrayList<>(jdkModules);
        modules.addAll(JAVAFX_ROOTS);
        Path jdkJmods = Path.of(System.getProperty("java.home"), "jmods");
        if (!Files.isDirectory(jdkJmods)) {
            throw new BuildException("this JDK has no jmods folder (" + jdkJmods + "); jlink needs a full JDK");
        }
        List<String> args = new ArrayList<>(List.of(
                "--module-path", jdkJmods + java.io.File.pathSeparator + fxJmods,
                "--add-modules", String.join(",", modules),
                // The jpackage launcher starts the JVM itself: the runtime needs no bin/java.
                "--strip-debug", "--no-header-files", "--no-man-pages", "--strip-native-commands",
                // Uncompressed: the installer packs the image anyway, and xz packs raw class data far
                // better than jlink's zip (lib/modules: 65 MB, 12.9 MB in the .deb; zipped by jlink:
                // 30 MB, 28.3 MB in the .deb). It costs 35 MB installed.
                "--compress=0",
                "--output", runtime.toString()));
        run("jlink", args);
        log("runtime: " + String.join(",", modules) + " -> " + project.relativize(runtime) + " (" + mib(sizeOf(runtime)) + ")");
        return runtime;
    }

    private Path appImage(Path input, Path runtime) {
        Path dest = work;
        List<String> args = new ArrayList<>(List.of(
                "--type", "app-image",
                "--dest", dest.toString(),
                "--input", input.toString(),
                "--runtime-image", runtime.toString(),
                "--app-version", version,
                "--description", description,
                "--icon", project.resolve("installer").resolve(os.icon).toString(),
                "@" + project.resolve("installer/jpackage/common.args"),
                "@" + project.resolve("installer/jpackage/app-image.args")));
        Path osImageArgs = project.resolve("installer/jpackage/" + os.argsName + "-app-image.args");
        if (Files.isRegularFile(osImageArgs)) {
            args.add("@" + osImageArgs);
        }
        run("jpackage", args);
        Path image = os == Os.MACOS ? dest.resolve(NAME + ".app") : dest.resolve(NAME);
        log("app image: " + project.relativize(image) + " (" + mib(sizeOf(image)) + ")");
        return image;
    }

    private void installer(String type, Path appImage) {
        List<String> args = new ArrayList<>(List.of(
                "--type", type,
                "--dest", work.toString(),
                "--app-image", appImage.toString(),
                "--name", NAME,
                "--app-version", version,
                "--description", description,
                "--icon", project.resolve("installer").resolve(os.icon).toString(),
                "--license-file", project.resolve("installer/LICENSE.txt").toString(),
                "@" + project.resolve("installer/jpackage/common.args"),
                "@" + project.resolve("installer/jpackage/" + os.argsName + ".args")));
        Path resources = project.resolve("installer").resolve(os.argsName);
        if (Files.isDirectory(resources)) {
            args.addAll(List.of("--resource-dir", resources.toString()));
        }
        run("jpackage", args);
    }

    private void report(Path runtime, Path appImage) {
        log("runtime " + mib(sizeOf(runtime)) + ", app image " + mib(sizeOf(appImage)));
        for (Path p : list(work)) {
            String n = p.getFileName().toString();
            if (Files.isRegularFile(p) && n.matches("(?i).*\\.(deb|rpm|msi|exe|dmg|pkg)")) {
                log("installer: " + project.relativize(p) + " (" + mib(sizeOf(p)) + ")");
            }
        }
    }

    // --- helpers ---

    private static List<String> manifestClassPath(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String cp = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (cp == null || cp.isBlank()) {
                throw new BuildException(jar + " has no Class-Path in its manifest");
            }
            return Arrays.asList(cp.trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** jpackage wants 1 to 3 dot-separated numbers (macOS: the first one not 0); Maven's -SNAPSHOT etc. are cut off. */
    static String appVersion(String pomVersion) {
        Matcher m = Pattern.compile("^(\\d+(?:\\.\\d+){0,2})").matcher(pomVersion);
        if (!m.find()) {
            throw new BuildException("cannot make a package version from " + pomVersion);
        }
        return m.group(1);
    }

    private String run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new BuildException(tool + " is not in this JDK (" + System.getProperty("java.home") + ")"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = provider.run(o, e, args.toArray(new String[0]));
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new BuildException(tool + " failed (exit " + code + "):\n" + tool + " " + String.join(" ", args)
                    + "\n" + stdout + stderr);
        }
        if (!stderr.isBlank()) {
            System.err.print(stderr);
        }
        return stdout;
    }

    /** Unpacks a JavaFX jar: native libraries (and nothing the app needs from the root) apart from classes. */
    private static void unpack(Path jar, Path classes, Path natives) {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (e.isDirectory() || name.startsWith("META-INF/")) {
                    continue;
                }
                boolean root = !name.contains("/");
                if (root && name.matches(".*\\.(so|dll|dylib)")) {
                    Files.copy(zip, natives.resolve(name));
                } else if (root && name.endsWith(".jar")) {
                    continue; // javafx-swt.jar: SWT interop, not used here
                } else {
                    Path out = classes.resolve(name).normalize();
                    if (!out.startsWith(classes)) {
                        throw new BuildException("unexpected entry " + name + " in " + jar);
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Copies a zip without the entries {@code skip} names; returns {kept, skipped}. */
    private static int[] copyWithout(Path from, Path to, Predicate<String> skip) {
        int kept = 0;
        int skipped = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (skip.test(e.getName())) {
                    skipped++;
                    continue;
                }
                kept++;
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                in.transferTo(out);
                out.closeEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new int[] {kept, skipped};
    }

    private static List<String> entryNames(Path jar) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jarsUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (args[i].startsWith("--") && eq > 0) {
                options.put(args[i].substring(2, eq), args[i].substring(eq + 1));
                continue;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new BuildException("usage: BuildInstaller --step filter-jars --classpath CP [--project DIR] [--target DIR]"
                        + " | BuildInstaller [--step package] --version V [--description D] [--types deb,rpm|msi,exe|dmg,pkg]"
                        + " [--project DIR] [--target DIR]; got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String key) {
        String v = options.get(key);
        if (v == null || v.isBlank()) {
            throw new BuildException("--" + key + " is required");
        }
        return v;
    }

    private static void log(String line) {
        System.out.println("[installer] " + line);
    }

    static final class BuildException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BuildException(String message) {
            super(message);
        }
    }
}
