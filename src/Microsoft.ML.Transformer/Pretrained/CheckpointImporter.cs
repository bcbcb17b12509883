using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>
/// Imports a Hugging Face checkpoint folder (<c>config.json</c> + safetensors weights, offline) as our encoder:
/// the config is mapped by <see cref="HuggingFaceConfig"/>, the tensor names by the architecture's
/// <see cref="CheckpointNameMap"/>. Every tensor is checked against the config; nothing unexplained is dropped.
/// </summary>
internal static class CheckpointImporter
{
    public const string VocabularyFile = "vocab.txt";

    public static (TransformerConfig Config, TransformerEncoderModel Model) Load(string folder) => Load(folder, out _);

    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="pooler">BERT's pooler (<c>weight</c>, <c>bias</c>, float32) when the checkpoint has both tensors, else null.</param>
    public static (TransformerConfig Config, TransformerEncoderModel Model) Load(string folder, out IReadOnlyList<TensorData>? pooler)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The checkpoint folder '{folder}' does not exist.");
        var (config, names) = HuggingFaceConfig.Read(folder);
        CheckVocabulary(folder, config);
        List<(TensorData Tensor, string File)> checkpoint = CheckpointFiles.Read(folder);

        var model = new TransformerEncoderModel(config, seed: 0);
        try
        {
            var expected = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape, StringComparer.Ordinal);
            Dictionary<string, string> ours = names.Expand(config.EncoderLayers);
            var poolerNames = names.Pooler.ToDictionary(p => p.Theirs, p => p.Ours, StringComparer.Ordinal);
            long d = config.ModelDimension;
            var poolerShapes = new Dictionary<string, long[]> { ["weight"] = [d, d], ["bias"] = [d] };
            var poolerTensors = new List<TensorData>();
            var mapped = new List<TensorData>();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (tensor, file) in checkpoint)
            {
                string name = names.StripPrefix(tensor.Name);
                if (poolerNames.TryGetValue(name, out string? poolerTarget))
                {
                    if (!tensor.Shape.SequenceEqual(poolerShapes[poolerTarget]))
                        throw new ModelFormatException($"{file}: tensor '{tensor.Name}' has shape {TensorData.FormatShape(tensor.Shape)}, " +
                            $"but {HuggingFaceConfig.FileName} implies {TensorData.FormatShape(poolerShapes[poolerTarget])}.");
                    poolerTensors.Add(Float32Weights.Convert(tensor, file).Rename(poolerTarget));
                    continue;
                }
                if (!ours.TryGetValue(name, out string? target))
                {
                    if (names.Ignored(name)) continue;
                    throw new ModelFormatException($"{file}: unexpected tensor '{tensor.Name}'; a {names.ModelType} encoder has no such weight.");
                }
                if (!seen.TryAdd(target, tensor.Name))
                    throw new ModelFormatException($"{file}: tensor '{tensor.Name}' duplicates '{seen[target]}'.");
                long[] shape = expected[target];
                if (!tensor.Shape.SequenceEqual(shape))
                    throw new ModelFormatException($"{file}: tensor '{tensor.Name}' has shape {TensorData.FormatShape(tensor.Shape)}, " +
                        $"but {HuggingFaceConfig.FileName} implies {TensorData.FormatShape(shape)}.");
                mapped.Add(Float32Weights.Convert(tensor, file).Rename(target));
            }
            string? missing = ours.FirstOrDefault(p => !seen.ContainsKey(p.Value)).Key;
            if (missing is not null)
                throw new ModelFormatException($"The checkpoint in {folder} lacks tensor '{missing}' (no file holds it).");
            ModuleState.Import(model, new TensorSet(mapped, folder));
            model.eval();
            if (poolerTensors.Count is > 0 and var count && count < names.Pooler.Count)
                throw new ModelFormatException($"The checkpoint in {folder} has only part of the pooler: " +
                    $"{string.Join(", ", names.Pooler.Where(p => poolerTensors.All(t => t.Name != p.Ours)).Select(p => $"'{p.Theirs}'"))} is missing.");
            pooler = poolerTensors.Count > 0 ? poolerTensors : null;
            return (config, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>vocab.txt (when present) must have one line per embedding row: ids past the table would fail, and a
    /// shorter list means the vocabulary belongs to another model.</summary>
    private static void CheckVocabulary(string folder, TransformerConfig config)
    {
        string path = Path.Combine(folder, VocabularyFile);
        if (!File.Exists(path)) return;
        int tokens = File.ReadLines(path).Count();
        if (tokens != config.SourceVocabularySize)
            throw new ModelFormatException($"{path} has {tokens} tokens but {HuggingFaceConfig.FileName} gives vocab_size {config.SourceVocabularySize} " +
                "(the rows of embeddings.word_embeddings.weight): the vocabulary does not belong to this model.");
    }
}
