using Microsoft.ML.Transformer.Pretrained;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>Each way a checkpoint folder can be wrong gives an error naming the file (and the tensor or key).</summary>
public class CheckpointErrorTests
{
    [Fact]
    public void MissingFolderOrFiles()
    {
        Assert.Throws<DirectoryNotFoundException>(() => CheckpointImporter.Load(Path.Combine(Path.GetTempPath(), "no-such-checkpoint-" + Guid.NewGuid())));
        using var checkpoint = new TinyCheckpoint();
        File.Delete(checkpoint.WeightsPath);
        var e = Assert.Throws<FileNotFoundException>(() => CheckpointImporter.Load(checkpoint.Folder));
        Assert.Contains("model.safetensors", e.Message);
        File.Delete(Path.Combine(checkpoint.Folder, "config.json"));
        Assert.Contains("config.json", Assert.Throws<FileNotFoundException>(() => CheckpointImporter.Load(checkpoint.Folder)).Message);
    }

    [Fact]
    public void ConfigThatIsNotJson()
    {
        using var checkpoint = new TinyCheckpoint();
        File.WriteAllText(Path.Combine(checkpoint.Folder, "config.json"), "{ \"model_type\": ");
        Assert.Contains("config.json is not valid JSON", Load(checkpoint).Message);
    }

    [Theory]
    [InlineData("model_type", "roberta", "model_type 'roberta' is not supported")]
    [InlineData("hidden_act", "gelu_new", "hidden_act 'gelu_new' is not supported")]
    [InlineData("hidden_size", "big", "'hidden_size' must be an integer")]
    [InlineData("num_attention_heads", 5, "divisible")]
    public void UnsupportedOrInvalidSettings(string key, object value, string message)
    {
        using var checkpoint = new TinyCheckpoint();
        var json = TinyCheckpoint.ConfigJson();
        json[key] = value;
        checkpoint.WriteConfig(json);
        var e = Load(checkpoint);
        Assert.Contains("config.json", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void MissingExtraOrMisshapenTensor()
    {
        using var checkpoint = new TinyCheckpoint();
        checkpoint.WriteWeights(checkpoint.Tensors.Where(t => t.Name != "encoder.layer.1.output.dense.bias").ToList());
        Assert.Contains("'encoder.layer.1.output.dense.bias'", Load(checkpoint).Message);

        checkpoint.WriteWeights([.. checkpoint.Tensors, TensorData.FromSingle("encoder.layer.2.output.dense.bias", new float[16], 16)]);
        var extra = Load(checkpoint);
        Assert.Contains("model.safetensors: unexpected tensor 'encoder.layer.2.output.dense.bias'", extra.Message);

        checkpoint.WriteWeights(checkpoint.Tensors.Select(t => t.Name == "encoder.layer.0.intermediate.dense.bias"
            ? TensorData.FromSingle(t.Name, new float[20], 20) : t).ToList());
        var shape = Load(checkpoint);
        Assert.Contains("'encoder.layer.0.intermediate.dense.bias' has shape [20]", shape.Message);
        Assert.Contains("[24]", shape.Message);
    }

    [Fact]
    public void PoolerIsKeptWholeAndChecked()
    {
        using var checkpoint = new TinyCheckpoint();
        TensorData weight = TensorData.FromSingle("pooler.dense.weight", new float[16 * 16], 16, 16), bias = TensorData.FromSingle("pooler.dense.bias", new float[16], 16);
        checkpoint.WriteWeights([.. checkpoint.Tensors, weight, bias]);
        using (CheckpointImporter.Load(checkpoint.Folder, out var pooler).Model)
            Assert.Equal(["weight", "bias"], pooler!.Select(t => t.Name));

        checkpoint.WriteWeights([.. checkpoint.Tensors, weight]);
        Assert.Contains("only part of the pooler: 'pooler.dense.bias' is missing", Load(checkpoint).Message);

        checkpoint.WriteWeights([.. checkpoint.Tensors, weight, TensorData.FromSingle("pooler.dense.bias", new float[8], 8)]);
        Assert.Contains("'pooler.dense.bias' has shape [8], but config.json implies [16]", Load(checkpoint).Message);
    }

    [Fact]
    public void VocabularyOfAnotherSize()
    {
        using var checkpoint = new TinyCheckpoint();
        File.AppendAllLines(Path.Combine(checkpoint.Folder, "vocab.txt"), ["extra"]);
        Assert.Contains("vocab.txt has 31 tokens but config.json gives vocab_size 30", Load(checkpoint).Message);
    }

    [Fact]
    public void HeaderThatLiesAboutSizesOrUnreadableDType()
    {
        using var checkpoint = new TinyCheckpoint();
        byte[] bytes = File.ReadAllBytes(checkpoint.WeightsPath);
        File.WriteAllBytes(checkpoint.WeightsPath, bytes[..^4]);
        Assert.Contains("model.safetensors is corrupt", Load(checkpoint).Message);

        checkpoint.WriteWeights(checkpoint.Tensors.Select(t => t.Name == "embeddings.LayerNorm.bias"
            ? TensorData.FromInt32(t.Name, new int[16], 16) : t).ToList());
        Assert.Contains("model.safetensors: tensor 'embeddings.LayerNorm.bias' is I32", Load(checkpoint).Message);
    }

    private static ModelFormatException Load(TinyCheckpoint checkpoint) => Assert.Throws<ModelFormatException>(() => CheckpointImporter.Load(checkpoint.Folder));
}
