using System.Text.Json;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>
/// The weights of a Hugging Face checkpoint folder: <c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> lists. Each tensor comes back as F32, with the file it came from (for errors).
/// </summary>
internal static class CheckpointFiles
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    public static List<(TensorData Tensor, string File)> Read(string folder)
    {
        string single = Path.Combine(folder, SingleFile), index = Path.Combine(folder, IndexFile);
        if (File.Exists(single)) return ReadFile(single);
        if (!File.Exists(index))
            throw new FileNotFoundException($"The checkpoint folder '{folder}' has neither {SingleFile} nor {IndexFile}.", single);

        var weightMap = ReadWeightMap(index);
        var all = new List<(TensorData, string)>();
        foreach (string shard in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(folder, shard);
            if (!File.Exists(path)) throw new FileNotFoundException($"{index} lists the shard '{shard}', which is missing.", path);
            foreach (var (tensor, file) in ReadFile(path))
            {
                if (!weightMap.TryGetValue(tensor.Name, out string? listed) || listed != shard)
                    throw new ModelFormatException($"{file}: tensor '{tensor.Name}' is not listed for this shard in {index}.");
                all.Add((tensor, file));
            }
        }
        var found = all.Select(t => t.Item1.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, shard) in weightMap)
            if (!found.Contains(name))
                throw new ModelFormatException($"{Path.Combine(folder, shard)}: tensor '{name}', listed in {index}, is missing.");
        return all;
    }

    private static List<(TensorData, string)> ReadFile(string path)
    {
        var (tensors, _) = SafeTensors.Read(File.ReadAllBytes(path), path);
        return tensors.Select(t => (t, path)).ToList();
    }

    private static Dictionary<string, string> ReadWeightMap(string index)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(index));
            return doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new InvalidOperationException($"'{p.Name}' has no shard"), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new ModelFormatException($"{index} is not a valid shard index (a JSON object with a 'weight_map' of tensor → file): {e.Message}", e);
        }
    }
}
