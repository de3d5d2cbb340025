package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import jcnn.data.ImageFolder.Format;
import jcnn.data.ImageFolder.Resize;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    /** A greyscale PNG of height × width with every pixel {@code value} (0..255). */
    static Path greyPng(Path file, int height, int width, int value) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) img.getRaster().setSample(x, y, 0, value);
        }
        return write(img, file, "png");
    }

    static Path rgbImage(Path file, int height, int width, int rgb, String format) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) img.setRGB(x, y, rgb);
        }
        return write(img, file, format);
    }

    private static Path write(BufferedImage img, Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no " + format + " writer");
        return file;
    }

    @Test
    void classesFromSortedFolderNamesAndExactGreyValues() throws IOException {
        // a gradient image: pixel (y, x) = 16 y + x
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) img.getRaster().setSample(x, y, 0, 16 * y + x);
        }
        write(img, dir.resolve("zebra/1.png"), "png");
        greyPng(dir.resolve("ant/2.PNG"), 3, 5, 200);
        greyPng(dir.resolve("ant/1.png"), 3, 5, 100);
        Files.writeString(dir.resolve("ant/notes.txt"), "not an image: ignored");
        Files.writeString(dir.resolve("ant/.hidden.png"), "hidden: ignored");

        Dataset d = ImageFolder.read(dir.resolve("."), new Format(1, 3, 5), Resize.BILINEAR);
        assertEquals(dir.getFileName().toString(), d.name());
        assertEquals(List.of("ant", "zebra"), d.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, d.labels());
        assertArrayEquals(new int[] {3, 1, 3, 5}, d.images().shape());
        assertEquals(100 / 255f, d.images().get(0, 0, 2, 4), "1.png sorts before 2.PNG");
        assertEquals(200 / 255f, d.images().get(1, 0, 0, 0));
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) assertEquals((16 * y + x) / 255f, d.images().get(2, 0, y, x));
        }
        assertEquals(new Format(1, 3, 5), ImageFolder.probe(dir));
    }

    @Test
    void colourToGreyByLuminanceAndToRgb() throws IOException {
        rgbImage(dir.resolve("c/orange.png"), 2, 2, 0xFF8040, "png");
        Dataset grey = ImageFolder.read(dir, new Format(1, 2, 2), Resize.AREA);
        float lum = 0.299f * (255 / 255f) + 0.587f * (128 / 255f) + 0.114f * (64 / 255f);
        assertEquals(lum, grey.images().get(0, 0, 1, 1), 1e-6);
        Dataset rgb = ImageFolder.read(dir, new Format(3, 2, 2), Resize.AREA);
        assertEquals(1f, rgb.images().get(0, 0, 0, 0));
        assertEquals(128 / 255f, rgb.images().get(0, 1, 0, 1));
        assertEquals(64 / 255f, rgb.images().get(0, 2, 1, 0));
        assertEquals(new Format(3, 2, 2), ImageFolder.probe(dir));

        // a grey image asked for as RGB repeats its value in all three channels
        greyPng(dir.resolve("g/grey.png"), 2, 2, 77);
        Dataset both = ImageFolder.read(dir, new Format(3, 2, 2), Resize.AREA);
        for (int c = 0; c < 3; c++) assertEquals(77 / 255f, both.images().get(1, c, 1, 1));
    }

    @Test
    void jpegIsReadAndResized() throws IOException {
        rgbImage(dir.resolve("red/a.jpg"), 16, 12, 0x808080, "jpg");
        rgbImage(dir.resolve("red/b.jpeg"), 8, 8, 0x808080, "jpeg");
        Dataset d = ImageFolder.read(dir);
        assertArrayEquals(new int[] {2, 3, 16, 12}, d.images().shape());
        // a flat mid-grey survives JPEG and resizing to within a few levels
        for (float v : d.images().data()) assertEquals(128 / 255f, v, 3 / 255f);
    }

    @Test
    void corruptImageIsReportedByName() throws IOException {
        greyPng(dir.resolve("a/good.png"), 2, 2, 5);
        Path bad = Files.writeString(dir.resolve("a/broken.png"), "this is not a PNG");
        IOException e = assertThrows(IOException.class, () -> ImageFolder.read(dir, new Format(1, 2, 2), Resize.AREA));
        assertTrue(e.getMessage().startsWith(bad.toString() + ": "), e.getMessage());

        Files.delete(bad);
        Path truncated = dir.resolve("a/cut.png");
        byte[] png = Files.readAllBytes(greyPng(dir.resolve("tmp.png"), 20, 20, 9));
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 2));
        IOException t = assertThrows(IOException.class, () -> ImageFolder.read(dir, new Format(1, 2, 2), Resize.AREA));
        assertTrue(t.getMessage().startsWith(truncated.toString() + ": "), t.getMessage());
    }

    @Test
    void structuralErrors() throws IOException {
        IOException none = assertThrows(IOException.class, () -> ImageFolder.read(dir));
        assertEquals(dir + ": no class sub-folders (expected one sub-folder of images per class)", none.getMessage());
        Files.createDirectories(dir.resolve("empty"));
        greyPng(dir.resolve("full/a.png"), 2, 2, 1);
        IOException empty = assertThrows(IOException.class, () -> ImageFolder.read(dir, new Format(1, 2, 2), Resize.AREA));
        assertEquals(dir.resolve("empty") + ": class folder has no .png, .jpg or .jpeg images", empty.getMessage());
        IOException unknown = assertThrows(IOException.class,
                () -> ImageFolder.read(dir, List.of("full", "other"), new Format(1, 2, 2), Resize.AREA));
        assertEquals(dir.resolve("empty") + ": folder 'empty' is not one of the classes [full, other]", unknown.getMessage());
    }

    @Test
    void areaResizeAveragesBlocks() {
        float[] src = {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            13, 14, 15, 16,
        };
        float[] out = ImageFolder.resize(src, 4, 4, 2, 2, Resize.AREA);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, out);
        // 3 -> 2: the middle pixel is split half and half
        float[] row = ImageFolder.resize(new float[] {0, 3, 6}, 1, 3, 1, 2, Resize.AREA);
        Tensors.assertClose(new float[] {1f, 5f}, row, 1e-6, 1e-6, "area 3 -> 2");
    }

    @Test
    void bilinearResizeMatchesPyTorchAlignCornersFalse() {
        // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode="bilinear",
        // align_corners=False) = [0, 0.25, 0.75, 1]
        Tensors.assertClose(new float[] {0, 0.25f, 0.75f, 1}, ImageFolder.resize(new float[] {0, 1}, 1, 2, 1, 4, Resize.BILINEAR),
                1e-6, 1e-7, "bilinear 2 -> 4");
        // 4 -> 2 samples at source positions 0.5 and 2.5
        Tensors.assertClose(new float[] {0.5f, 2.5f}, ImageFolder.resize(new float[] {0, 1, 2, 3}, 1, 4, 1, 2, Resize.BILINEAR),
                1e-6, 1e-7, "bilinear 4 -> 2");
        // same size: an exact copy
        float[] same = {0.1f, 0.2f, 0.3f, 0.4f};
        assertArrayEquals(same, ImageFolder.resize(same, 2, 2, 2, 2, Resize.BILINEAR));
    }
}
