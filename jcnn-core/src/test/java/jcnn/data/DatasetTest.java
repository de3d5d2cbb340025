package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DatasetTest {
    /** n images (n, 2, 3, 4) whose every pixel is the image index, labels i % classes. */
    static Dataset indexed(int n, int classes) {
        Tensor x = Tensor.zeros(n, 2, 3, 4);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x.data(), i * 24, (i + 1) * 24, i);
            y[i] = i % classes;
        }
        return new Dataset("indexed", x, y, classes, null);
    }

    /** The image index each image of {@code d} came from (its constant pixel value). */
    static int[] sources(Dataset d) {
        int[] s = new int[d.size()];
        for (int i = 0; i < s.length; i++) s[i] = (int) d.images().data()[i * d.imageSize()];
        return s;
    }

    @Test
    void accessors() {
        Dataset d = indexed(5, 3);
        assertEquals(5, d.size());
        assertEquals(2, d.channels());
        assertEquals(3, d.height());
        assertEquals(4, d.width());
        assertArrayEquals(new int[] {2, 3, 4}, d.imageShape());
        assertEquals(24, d.imageSize());
        assertEquals(2, d.label(2));
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, d.labelTensor().data());
        assertArrayEquals(new int[] {5}, d.labelTensor().shape());
        assertArrayEquals(new int[] {2, 2, 1}, d.classCounts());
        assertFalse(d.hasClassNames());
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertEquals("indexed: 5 images (2, 3, 4), 3 classes", d.toString());
        Tensor img = d.image(3);
        assertArrayEquals(new int[] {1, 2, 3, 4}, img.shape());
        assertEquals(3f, img.get(0, 1, 2, 3));
        img.fill(-1);
        assertEquals(3f, d.images().get(3, 0, 0, 0), "image() copies");

        Dataset named = new Dataset("n", d.images(), d.labels(), 3, List.of("cat", "dog", "emu"));
        assertTrue(named.hasClassNames());
        assertEquals("dog", named.className(1));
    }

    @Test
    void constructorChecks() {
        Tensor x = Tensor.zeros(2, 1, 2, 2);
        assertEquals("Dataset 'd': images must be (N, C, H, W), got shape (2, 4)",
                assertThrows(IllegalArgumentException.class, () -> new Dataset("d", Tensor.zeros(2, 4), new int[2], 2, null)).getMessage());
        assertEquals("Dataset 'd': 2 images (shape (2, 1, 2, 2)) but 3 labels",
                assertThrows(IllegalArgumentException.class, () -> new Dataset("d", x, new int[3], 2, null)).getMessage());
        assertEquals("Dataset 'd': label 1 is 2, not in [0, 2)",
                assertThrows(IllegalArgumentException.class, () -> new Dataset("d", x, new int[] {0, 2}, 2, null)).getMessage());
        assertEquals("Dataset 'd': 1 class names for 2 classes",
                assertThrows(IllegalArgumentException.class, () -> new Dataset("d", x, new int[2], 2, List.of("a"))).getMessage());
    }

    @Test
    void subsetCopies() {
        Dataset d = indexed(6, 4);
        Dataset s = d.subset(2, 5);
        assertEquals("indexed[2:5]", s.name());
        assertArrayEquals(new int[] {2, 3, 4}, sources(s));
        assertArrayEquals(new int[] {2, 3, 0}, s.labels());
        s.images().fill(0);
        assertEquals(2f, d.images().get(2, 0, 0, 0), "subset is a copy");
        assertEquals(0, d.subset(3, 3).size());
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(4, 7));
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Dataset d = indexed(50, 5);
        Dataset.Split a = d.split(40, 7);
        assertEquals(40, a.first().size());
        assertEquals(10, a.second().size());
        int[] all = new int[50];
        System.arraycopy(sources(a.first()), 0, all, 0, 40);
        System.arraycopy(sources(a.second()), 0, all, 40, 10);
        int[] sorted = all.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i], "every image in exactly one part");
        for (int i = 0; i < 50; i++) assertEquals(all[i] % 5, i < 40 ? a.first().label(i) : a.second().label(i - 40), "labels follow images");
        // each part keeps the original order
        int[] second = sources(a.second());
        int[] secondSorted = second.clone();
        Arrays.sort(secondSorted);
        assertArrayEquals(secondSorted, second);
        // not simply the last 10
        assertNotEquals(40, second[0]);

        assertArrayEquals(second, sources(d.split(40, 7).second()), "same seed, same split");
        assertFalse(Arrays.equals(second, sources(d.split(40, 8).second())), "another seed, another split");
        assertEquals("indexed/split(40, seed=7).second", a.second().name());
        assertThrows(IllegalArgumentException.class, () -> d.split(51, 1));
    }

    @Test
    void selectInAnyOrder() {
        Dataset d = indexed(5, 5);
        Dataset s = d.select(new int[] {4, 0, 4}, "picked");
        assertArrayEquals(new int[] {4, 0, 4}, sources(s));
        assertArrayEquals(new int[] {4, 0, 4}, s.labels());
    }
}
