package jcnn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcnn.nn.Architecture;
import jcnn.nn.Init;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static Sequential model() {
        return Architecture.parseModel("conv: Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 10)")
                .initialize(Init.heNormal(), 7);
    }

    static ModelFile.Contents contents(Sequential m) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("input-shape", "1, 8, 8");
        info.put("seed", "7");
        info.put("optimizer", "Adam(lr=0.001)");
        Map<String, Tensor> opt = new LinkedHashMap<>();
        opt.put("step", Tensor.full(3f, 1));
        opt.put("0.exp_avg", Tensors.random(1, 4, 1, 3, 3));
        return new ModelFile.Contents(m, info, List.of("epoch=1 trainLoss=0.5", "epoch=2 trainLoss=0.25"), opt);
    }

    @Test
    void roundTripsModelInfoHistoryAndOptimizerState() throws IOException {
        Sequential m = model();
        Path f = dir.resolve("m.jcnn");
        ModelFile.save(f, contents(m));
        ModelFile.Contents back = ModelFile.load(f);
        assertEquals(Architecture.describe(m), Architecture.describe(back.model()));
        m.stateDict().forEach((k, t) -> assertArrayEquals(t.data(), back.model().stateDict().get(k).data(), k));
        assertEquals("7", back.info("seed"));
        assertEquals("Adam(lr=0.001)", back.info("optimizer"));
        assertEquals(List.of("epoch=1 trainLoss=0.5", "epoch=2 trainLoss=0.25"), back.history());
        assertArrayEquals(contents(m).optimizerState().get("0.exp_avg").data(), back.optimizerState().get("0.exp_avg").data());
        Tensor x = Tensors.random(2, 3, 1, 8, 8);
        assertArrayEquals(m.predict(x).data(), back.model().predict(x).data());
        String head = Files.readString(f, StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("jcnn-model 1\n[architecture]\nconv: Conv2d(1, 4, kernelSize=3, padding=1)\nReLU()\n"), head.substring(0, 120));
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path f = dir.resolve("m.jcnn");
        ModelFile.save(f, contents(model()));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 100));
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("truncated model file: tensor '0.exp_avg' is incomplete"), e.getMessage());
        Files.write(f, java.util.Arrays.copyOf(all, 40));
        e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("the header has no [end] line"), e.getMessage());
    }

    @Test
    void alteredDataOrHeaderIsRefused() throws IOException {
        Path f = dir.resolve("m.jcnn");
        ModelFile.save(f, contents(model()));
        byte[] all = Files.readAllBytes(f);
        byte[] data = all.clone();
        data[data.length - 300] ^= 1; // inside 4.weight
        Files.write(f, data);
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertEquals(f + ": tensor '4.weight' is damaged (checksum mismatch)", e.getMessage());
        String text = new String(all, StandardCharsets.ISO_8859_1).replace("Linear(inFeatures=64, outFeatures=10)", "Linear(inFeatures=64, outFeatures=11)");
        Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertEquals(f + ": the header was altered or damaged (header checksum mismatch)", e.getMessage());
    }

    @Test
    void tensorsAreCheckedAgainstTheArchitecture() throws IOException {
        // A consistent file whose architecture disagrees with its tensors: rewrite the header and its checksum.
        Path f = dir.resolve("m.jcnn");
        ModelFile.save(f, contents(model()));
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        int end = text.indexOf(" header-crc32=");
        String body = text.substring(0, end).replace("Linear(inFeatures=64, outFeatures=10)", "Linear(inFeatures=64, outFeatures=12)");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body.getBytes(StandardCharsets.ISO_8859_1));
        String rest = text.substring(text.indexOf('\n', end));
        Files.write(f, (body + " header-crc32=" + String.format("%08x", crc.getValue()) + rest).getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertEquals(f + ": shape mismatch in tensor '4.weight': the architecture needs (12, 64), the file has (10, 64)", e.getMessage());
    }

    @Test
    void newerVersionsAndOtherFilesAreRefused() throws IOException {
        Path f = dir.resolve("x.jcnn");
        Files.writeString(f, "jcnn-model 2\n[architecture]\nReLU()\n[end] data-bytes=0 header-crc32=00000000\n");
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertEquals(f + ": model file format 2 is newer than this jcnn reads (1); upgrade jcnn to load it", e.getMessage());
        Files.writeString(f, "PK\u0003\u0004 something else\n");
        e = assertThrows(IOException.class, () -> ModelFile.load(f));
        assertEquals(f + ": not a jcnn model file (it does not start with 'jcnn-model')", e.getMessage());
    }

    @Test
    void saveIsAtomic() throws IOException {
        Path f = dir.resolve("m.jcnn");
        ModelFile.save(f, contents(model()));
        byte[] before = Files.readAllBytes(f);
        Map<String, String> badInfo = Map.of("two lines", "a\nb");
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, new ModelFile.Contents(model(), badInfo, List.of(), Map.of())));
        assertArrayEquals(before, Files.readAllBytes(f), "a failed save leaves the old file as it was");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void weightsExportAndImportWithPyTorchNames() throws IOException {
        Sequential m = model();
        Path npz = dir.resolve("w.npz");
        ModelFile.exportWeights(m, npz);
        assertEquals(List.of("conv.weight", "conv.bias", "4.weight", "4.bias"), List.copyOf(Npz.read(npz).keySet()));
        Sequential other = model().initialize(Init.heNormal(), 99);
        ModelFile.importWeights(other, npz);
        assertArrayEquals(m.stateDict().get("4.weight").data(), other.stateDict().get("4.weight").data());
        Sequential wrong = Architecture.parseModel("conv: Conv2d(1, 5, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(80, 10)");
        IOException e = assertThrows(IOException.class, () -> ModelFile.importWeights(wrong, npz));
        assertTrue(e.getMessage().contains("shape mismatch in 'conv.weight': expected (5, 1, 3, 3), found (4, 1, 3, 3)"), e.getMessage());
    }
}
