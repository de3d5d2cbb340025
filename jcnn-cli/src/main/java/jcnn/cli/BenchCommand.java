package jcnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import jcnn.bench.BenchCase;
import jcnn.bench.KernelBenchmarks;
import jcnn.bench.Stopwatch;
import jcnn.kernel.Gemm;
import jcnn.kernel.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jcnn bench}: GEMM, the convolution shapes of the performance targets, pooling, transposed convolution,
 * and end-to-end training and inference; a table on the terminal and JSON on request. The same work in
 * PyTorch is {@code tools/bench/torch_bench.py}; {@code tools/bench/compare.py} runs both and prints ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure GEMM, convolution, pooling and training speed (min/median/max of several samples).",
        footerHeading = "%nExamples:%n",
        footer = {"  jcnn bench --threads 1", "  jcnn bench --groups gemm --json gemm.json", "  jcnn bench --profile deep --threads 1"})
final class BenchCommand implements Callable<Integer> {
    static final List<String> GROUPS = List.of("gemm", "conv", "pool", "deconv", "train", "infer");

    @Option(names = "--threads", description = "threads for the kernels (default: all processors)")
    Integer threads;

    @Option(names = "--groups", split = ",", description = "which groups: ${COMPLETION-CANDIDATES}, comma-separated (default: all)",
            completionCandidates = GroupNames.class)
    List<String> groups = GROUPS;

    @Option(names = "--quick", description = "fewer cases and shorter samples (a smoke test, not for quoting)")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Option(names = "--profile", paramLabel = "MODEL", description = "instead: where a training step of a built-in model "
            + "(simple, deep, lenet5, bn) spends its time, layer by layer")
    String profile;

    static final class GroupNames extends ArrayList<String> {
        GroupNames() {
            super(GROUPS);
        }
    }

    @Override
    public Integer call() throws IOException {
        Set<String> chosen = new LinkedHashSet<>();
        for (String g : groups) {
            String k = g.trim().toLowerCase(Locale.ROOT);
            if (!GROUPS.contains(k)) throw new Main.UsageException("unknown group '" + g + "'; known: " + String.join(", ", GROUPS));
            chosen.add(k);
        }
        if (threads != null) {
            if (threads < 1) throw new Main.UsageException("--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        System.out.printf("jcnn bench: %s, %d thread(s), Java %s%n", Gemm.implementation(), Parallel.threads(), Runtime.version());
        if (profile != null) {
            if (!jcnn.nn.Models.NAMES.contains(profile.toLowerCase(Locale.ROOT))) {
                throw new Main.UsageException("--profile takes a built-in model: " + String.join(", ", jcnn.nn.Models.NAMES));
            }
            System.out.print(jcnn.bench.LayerProfile.run(profile.toLowerCase(Locale.ROOT), quick ? 10 : 40));
            return 0;
        }
        List<BenchCase> cases = new ArrayList<>();
        if (chosen.contains("gemm")) cases.addAll(KernelBenchmarks.gemm(quick));
        for (BenchCase c : KernelBenchmarks.conv(quick)) if (chosen.contains(c.group())) cases.add(c);
        if (chosen.contains("train") || chosen.contains("infer")) {
            for (BenchCase c : jcnn.bench.TrainingBenchmarks.cases()) if (chosen.contains(c.group())) cases.add(c);
        }
        Stopwatch watch = quick ? new Stopwatch(0.2, 0.05, 3) : new Stopwatch(0.5, 0.25, 7);
        // Two tours of every case before any is timed, as a training step runs all its layers: the JIT's profiles
        // then hold every shape's branches. Otherwise C2 compiles the kernels for the first shapes, a later shape
        // takes a branch they never took, a dozen kernels are deoptimized at once, and for seconds, until the one
        // C2 thread has recompiled them, kernels run unintrinsified (measured: (8,128,28,28)->256's forward at
        // 80-120 ms per call for 1-3 s after the other conv cases, then 28-35 ms) — and were sometimes timed so.
        for (int tour = 0; tour < 2; tour++) {
            for (BenchCase c : cases) {
                c.setup().run();
                c.run().run();
            }
        }
        List<BenchCase.Result> results = new ArrayList<>();
        for (BenchCase c : cases) {
            c.setup().run();
            BenchCase.Result r = new BenchCase.Result(c, watch.time(c.run()));
            results.add(r);
            Stopwatch.Timing t = r.timing();
            System.out.printf(Locale.ROOT, "%-7s %-40s %10.1f %s   (median %.3f ms, min %.3f, max %.3f)%n", c.group(), c.name(),
                    r.rate(), r.rateUnit(), t.median() * 1e3, t.min() * 1e3, t.max() * 1e3);
        }
        if (json != null) Files.writeString(json, toJson(results));
        return 0;
    }

    private static String toJson(List<BenchCase.Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"engine\": \"jcnn (").append(Gemm.implementation()).append(")\", \"threads\": ").append(Parallel.threads())
                .append(", \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            BenchCase.Result r = results.get(i);
            Stopwatch.Timing t = r.timing();
            sb.append(String.format(Locale.ROOT,
                    " {\"group\": \"%s\", \"name\": \"%s\", \"work\": %.1f, \"unit\": \"%s\", \"min\": %.9g, \"median\": %.9g, \"max\": %.9g}%s%n",
                    r.benchCase().group(), r.benchCase().name(), r.benchCase().workPerRun(), r.benchCase().unit(),
                    t.min(), t.median(), t.max(), i + 1 < results.size() ? "," : ""));
        }
        return sb.append("]}\n").toString();
    }
}
