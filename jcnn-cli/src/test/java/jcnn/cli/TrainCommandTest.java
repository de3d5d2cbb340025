package jcnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcnn.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    /**
     * CI's training run: SimpleConvNet on the embedded digits, 4 epochs at a constant learning rate without
     * augmentation, must reach 94% test accuracy (measured: 95.3% after 3 epochs; PyTorch with the same recipe:
     * 94.3%), so a broken layer, optimizer or data path turns CI red in about ten seconds.
     */
    @Test
    void shortTrainingReachesAStatedAccuracy() throws IOException {
        Path out = dir.resolve("simple.jcnn");
        assertEquals(0, Main.run("train", "--epochs", "4", "--shift", "0", "--schedule", "constant", "--quiet", "--output", out.toString()));
        ModelFile.Contents c = ModelFile.load(out);
        double accuracy = Double.parseDouble(c.info("test-accuracy"));
        assertTrue(accuracy >= 0.94, "test accuracy after 4 epochs: " + accuracy);
        assertEquals(4, c.history().size());
    }

    /**
     * A run killed with SIGKILL in the middle of an epoch and restarted with --resume ends exactly like an
     * uninterrupted run with the same seed: same weights, same test accuracy.
     */
    @Test
    void runKilledMidEpochResumesToTheSameResult() throws Exception {
        String small = "Conv2d(1, 6, 5), ReLU(), MaxPool2d(2), Flatten(), Linear(864, 32), ReLU(), Dropout(p=0.2), Linear(32, 10)";
        // 12 epochs, so that the kill lands well before the end however fast an epoch is (with 4, a 0.3 s wait after
        // the first checkpoint came after the last one once the kernels got faster)
        List<String> common = List.of("train", "--model", small, "--epochs", "12", "--threads", "1", "--quiet", "--seed", "7");
        Path killed = dir.resolve("killed.jcnn"), clean = dir.resolve("clean.jcnn");

        Process p = start(common, killed);
        // wait for the checkpoint of epoch 1, then let the next epoch get under way, then SIGKILL
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (epochsDone(killed) < 1) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the child should be training: " + output(p));
            Thread.sleep(50);
        }
        Thread.sleep(100);
        assertTrue(p.isAlive(), "still training");
        p.destroyForcibly(); // SIGKILL on Unix
        p.waitFor();
        int done = epochsDone(killed);
        assertTrue(done >= 1 && done < 12, "killed after " + done + " epochs");

        assertEquals(0, start(List.of("train", "--resume", "--threads", "1", "--quiet"), killed).waitFor());
        assertEquals(0, start(common, clean).waitFor());

        ModelFile.Contents a = ModelFile.load(killed), b = ModelFile.load(clean);
        assertEquals(b.info("test-accuracy"), a.info("test-accuracy"));
        b.model().stateDict().forEach((k, v) -> assertArrayEquals(v.data(), a.model().stateDict().get(k).data(), k));
    }

    /** Bad options are refused with exit code 2 and a one-line message, before any data is read. */
    @Test
    void badOptionsExitWithCode2BeforeAnyWork() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            // a data set that does not exist would fail with exit code 1 only if it were ever loaded
            assertEquals(2, Main.run("train", "--optimizer", "adamm", "--data", "/no/such/data"));
            assertTrue(captured.toString().contains("--optimizer: unknown optimizer 'adamm'"), captured.toString());
            assertEquals(2, Main.run("train", "--epochs", "0", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--model", "Conv2d(1, 8, 3), Rectifier()", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--activation", "bogus", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--schedule", "sawtooth", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--lr", "-1", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--early-stopping", "3", "--data", "/no/such/data"));
            assertEquals(2, Main.run("train", "--no-such-option"));
            assertEquals(1, Main.run("train", "--epochs", "1", "--data", "/no/such/data"), "a missing data set is a failure at work, code 1");
        } finally {
            System.setErr(err);
        }
    }

    private Process start(List<String> args, Path output) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "jcnn.cli.Main"));
        cmd.addAll(args);
        cmd.addAll(List.of("--output", output.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(output.getFileName() + ".log").toFile()).start();
    }

    private String output(Process p) throws IOException {
        try (var s = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : s.filter(f -> f.toString().endsWith(".log")).toList()) sb.append(Files.readString(f));
            return sb.toString();
        }
    }

    private static int epochsDone(Path f) {
        if (!Files.isRegularFile(f)) return 0;
        try {
            String v = ModelFile.load(f).info("epochs-done");
            return v == null ? 0 : Integer.parseInt(v);
        } catch (IOException e) {
            return 0; // being replaced right now; the rename is atomic, so try again
        }
    }
}
