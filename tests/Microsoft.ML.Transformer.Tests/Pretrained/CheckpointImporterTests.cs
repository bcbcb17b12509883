using System.Text.Json;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretrained;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tests.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

public class CheckpointImporterTests
{
    private static readonly long[,] Ids = { { 5, 9, 3, 27, 0, 0 }, { 1, 2, 3, 4, 5, 6 } };

    [Fact]
    public void ImportComputesWhatTheSourceComputes()
    {
        using var checkpoint = new TinyCheckpoint();
        var (config, model) = CheckpointImporter.Load(checkpoint.Folder);
        using (model)
        {
            Assert.Equal(TinyCheckpoint.Config, config);
            AssertSameOutput(checkpoint.Source, model);
        }
    }

    [Fact]
    public void BertPrefixAndIgnoredHeadsAreAccepted()
    {
        using var checkpoint = new TinyCheckpoint(prefix: true);
        TensorData[] pooler = [TensorData.FromSingle("bert.pooler.dense.weight", new float[16 * 16], 16, 16), TensorData.FromSingle("bert.pooler.dense.bias", new float[16], 16)];
        checkpoint.WriteWeights([.. checkpoint.Tensors, .. pooler, TensorData.FromSingle("classifier.bias", new float[2], 2)]);
        var (_, model) = CheckpointImporter.Load(checkpoint.Folder, out var imported);
        using (model) AssertSameOutput(checkpoint.Source, model);
        Assert.Equal(2, imported!.Count);
    }

    [Fact]
    public void HalfPrecisionWeightsBecomeFloat32()
    {
        using var checkpoint = new TinyCheckpoint();
        checkpoint.WriteWeights(checkpoint.Tensors.Select(t => t.Name.Contains("query") ? ToHalf(t) : t).ToList());
        var (_, model) = CheckpointImporter.Load(checkpoint.Folder);
        using (model)
        {
            string name = "encoder.layers.0.self_attn.w_q.weight";
            using Tensor expected = checkpoint.Source.state_dict()[name].to(ScalarType.Float16).to(ScalarType.Float32);
            Assert.Equal(ScalarType.Float32, model.state_dict()[name].dtype);
            Assert.Equal(0, TensorAssert.MaxAbsDifference(expected, model.state_dict()[name]));
        }
    }

    [Fact]
    public void ShardedCheckpointIsRead()
    {
        using var checkpoint = new TinyCheckpoint();
        File.Delete(checkpoint.WeightsPath);
        var shards = checkpoint.Tensors.GroupBy(t => t.Name.StartsWith("embeddings", StringComparison.Ordinal) ? "model-1.safetensors" : "model-2.safetensors").ToList();
        foreach (var shard in shards) File.WriteAllBytes(Path.Combine(checkpoint.Folder, shard.Key), SafeTensors.Write(shard.ToList()));
        var weightMap = shards.SelectMany(s => s.Select(t => (t.Name, s.Key))).ToDictionary(p => p.Name, p => p.Key);
        File.WriteAllText(Path.Combine(checkpoint.Folder, CheckpointFiles.IndexFile), JsonSerializer.Serialize(new { weight_map = weightMap }));
        var (_, model) = CheckpointImporter.Load(checkpoint.Folder);
        using (model) AssertSameOutput(checkpoint.Source, model);
    }

    [Fact]
    public void TokenTypesDefaultToTypeZeroAndChangeTheOutput()
    {
        using var checkpoint = new TinyCheckpoint();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = tensor(Ids);
        var (none, _) = checkpoint.Source.Forward(ids);
        var (zeros, _) = checkpoint.Source.Forward(ids, zeros_like(ids));
        var (ones, _) = checkpoint.Source.Forward(ids, ones_like(ids));
        TensorAssert.Close(none, zeros, 0);
        Assert.True(TensorAssert.MaxAbsDifference(none, ones) > 1e-3);
    }

    private static void AssertSameOutput(TransformerEncoderModel source, TransformerEncoderModel imported)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = tensor(Ids);
        var (expected, _) = source.Forward(ids);
        var (actual, _) = imported.Forward(ids);
        TensorAssert.Close(expected, actual, 0);
    }

    private static TensorData ToHalf(TensorData t)
    {
        using Tensor half = ModuleState.ToTensor(t).to(ScalarType.Float16);
        return ModuleState.ToTensorData(t.Name, half);
    }
}
