using Microsoft.ML.Transformer.Tests.Classification;
using SkiaSharp;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>SavePng writes a valid PNG of one panel per layer and head.</summary>
[Collection(AttentionModelsCollection.Name)]
public class AttentionPngTests(AttentionModels models)
{
    [Theory]
    [InlineData("classifier", 200)]
    [InlineData("seq2seq", 160)]
    public void PngIsALayerByHeadGridOfHeatmaps(string model, int panelSize)
    {
        AttentionMap map = model == "classifier"
            ? models.Classifier.GetAttention("the plot was good and the acting too")
            : models.Seq2Seq.GetAttention("c a f b");
        int rows = map.Kinds.Sum(map.Layers);   // classifier: 2 encoder layers; seq2seq: 2 + 1 + 1
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("attention.png");

        map.SavePng(path, panelSize);

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(file, 12, 4));
        Assert.Equal(map.Heads * panelSize, BigEndian(file, 16));
        Assert.Equal(rows * panelSize, BigEndian(file, 20));
        using SKBitmap image = SKBitmap.Decode(path);
        Assert.Equal((map.Heads * panelSize, rows * panelSize), (image.Width, image.Height));
        // heatmap cells are drawn: weights above 0 are blue (the text and frames are gray)
        int blue = 0, pixels = 0;
        for (int y = 0; y < image.Height; y += 2)
            for (int x = 0; x < image.Width; x += 2, pixels++)
            {
                SKColor c = image.GetPixel(x, y);
                if (c.Blue > c.Red + 10) blue++;
            }
        Assert.True(blue > pixels / 10, $"only {blue} of {pixels} pixels are blue");
    }

    private static int BigEndian(byte[] bytes, int at) => bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3];
}
