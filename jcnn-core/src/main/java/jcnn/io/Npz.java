package jcnn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * numpy's {@code .npz}: a zip archive of {@code .npy} files, one per named array ({@code np.savez}, stored, and
 * {@code np.savez_compressed}, deflated, are both read). Names are given without the {@code .npy} suffix.
 */
public final class Npz {
    private Npz() {}

    /** All arrays of the archive, in archive order. */
    public static Map<String, Npy.Array> read(Path file) throws IOException {
        Map<String, Npy.Array> out = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(raw)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, Npy.read(zip, file + "[" + e.getName() + "]"));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IOException(file + ": empty or not a .npz archive");
        return out;
    }

    /** Writes float arrays (and, for values that are {@link IntTensor}s, int arrays) atomically. */
    public static void write(Path file, Map<String, ?> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, ?> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                switch (e.getValue()) {
                    case Tensor t -> Npy.write(zip, t);
                    case IntTensor t -> Npy.write(zip, t);
                    default -> throw new IllegalArgumentException("Npz.write: '" + e.getKey() + "' is a "
                            + e.getValue().getClass().getSimpleName() + ", not a Tensor or IntTensor");
                }
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
