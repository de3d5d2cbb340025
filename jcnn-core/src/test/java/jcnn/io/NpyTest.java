package jcnn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsFloatsAndInts() throws IOException {
        Tensor t = Tensor.arange(2, 3, 4);
        Npy.write(dir.resolve("t.npy"), t);
        Tensor back = Npy.readTensor(dir.resolve("t.npy"));
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.data(), back.data());
        IntTensor labels = IntTensor.wrap(new int[] {3, 1, 4, 1, 5}, 5);
        Npy.write(dir.resolve("l.npy"), labels);
        assertArrayEquals(labels.data(), Npy.readInts(dir.resolve("l.npy")).data());
        // scalars and empty arrays
        Npy.write(dir.resolve("s.npy"), Tensor.full(7f));
        assertEquals(0, Npy.readTensor(dir.resolve("s.npy")).rank());
    }

    @Test
    void headerIsNumpysV1WithAlignedData() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, Tensor.zeros(2, 3));
        byte[] b = out.toByteArray();
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "data starts on a 64-byte boundary");
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.trim());
        assertEquals(10 + headerLen + 24, b.length);
    }

    /** Bytes numpy 1.24 wrote for np.array([[1, 2], [3, 4]], dtype='>f8') and np.arange(3, dtype=np.int64). */
    @Test
    void readsOtherDtypesAndByteOrders() throws IOException {
        byte[] big = npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", bigEndianDoubles(1, 2, 3, 4));
        assertArrayEquals(new float[] {1, 2, 3, 4}, Npy.read(new ByteArrayInputStream(big), "big").toTensor().data());
        byte[] longs = new byte[24];
        for (int i = 0; i < 3; i++) longs[i * 8] = (byte) i;
        byte[] i8 = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", longs);
        assertArrayEquals(new int[] {0, 1, 2}, Npy.read(new ByteArrayInputStream(i8), "i8").toIntTensor().data());
        byte[] u8 = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new byte[] {(byte) 255, 7});
        assertArrayEquals(new int[] {255, 7}, Npy.read(new ByteArrayInputStream(u8), "u8").ints());
    }

    @Test
    void badFilesGiveClearErrors() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream("hello world".getBytes()), "x.npy"));
        assertEquals("x.npy: not a .npy file (bad magic string)", e.getMessage());
        byte[] fortran = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(fortran), "f.npy"));
        assertTrue(e.getMessage().contains("Fortran-order"), e.getMessage());
        byte[] truncated = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[10]);
        e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(truncated), "t.npy"));
        assertEquals("t.npy: truncated .npy file: expected 16 bytes for 4 elements of <f4, found 10", e.getMessage());
        byte[] complex = npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(complex), "c.npy"));
        assertTrue(e.getMessage().contains("unsupported dtype '<c8'"), e.getMessage());
    }

    @Test
    void npzRoundTripAndAtomicWrite() throws IOException {
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("conv1.weight", Tensor.arange(2, 1, 3, 3));
        arrays.put("labels", IntTensor.wrap(new int[] {1, 2}, 2));
        Path f = dir.resolve("m.npz");
        Npz.write(f, arrays);
        Map<String, Npy.Array> back = Npz.read(f);
        assertEquals(java.util.List.of("conv1.weight", "labels"), java.util.List.copyOf(back.keySet()));
        assertArrayEquals(new int[] {2, 1, 3, 3}, back.get("conv1.weight").shape());
        assertArrayEquals(new int[] {1, 2}, back.get("labels").ints());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> Npz.read(f));
    }

    private static byte[] npy(String dict, byte[] data) {
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] bigEndianDoubles(double... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8);
        for (double d : v) b.putDouble(d);
        return b.array();
    }
}
