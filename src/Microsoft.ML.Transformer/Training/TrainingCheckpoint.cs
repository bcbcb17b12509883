using System.Text.Json;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// A checkpoint folder: <c>checkpoint.json</c> (the <see cref="RunState"/> and the names of its files) plus the
/// model's weights, the optimizer's state, the best epoch's weights and the weights kept for averaging, written per epoch. The JSON is replaced
/// last and atomically, so a crash mid-save leaves the previous checkpoint intact; older files are then removed.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private const string StateFile = "checkpoint.json";
    private readonly IExceptionContext _host;

    public TrainingCheckpoint(string directory, IExceptionContext host)
    {
        Directory = Path.GetFullPath(directory);
        _host = host;
    }

    public string Directory { get; }

    /// <summary>Loads the folder's checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; null when
    /// there is none. A checkpoint of a different run is an error, not silently overwritten.</summary>
    public RunState? TryResume(string fingerprint, nn.Module model, OptimizerHelper optimizer)
    {
        string statePath = Path.Combine(Directory, StateFile);
        if (!File.Exists(statePath)) return null;
        Saved saved;
        try
        {
            saved = JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(statePath), ComponentArchive.Json)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw _host.Except(e, $"The checkpoint '{statePath}' is corrupt ({e.Message}); delete the folder to start over.");
        }
        if (saved.State.Fingerprint != fingerprint)
            throw _host.Except($"The checkpoint folder '{Directory}' holds a different training run (other data, model shape or " +
                "options). Use another CheckpointDirectory, or delete this one to start over.");

        ModuleState.Import(model, new TensorSet(ReadTensors(saved.ModelFile), saved.ModelFile));
        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(Directory, saved.OptimizerFile))))
            optimizer.load_state_dict(reader);
        if (saved.BestFile is { } bestFile) saved.State.Best = [.. ReadTensors(bestFile)];
        saved.State.AveragingWindow = [.. (saved.WindowFiles ?? []).Select(file => ReadTensors(file).ToList())];
        return saved.State;
    }

    public void Save(RunState state, nn.Module model, OptimizerHelper optimizer)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string suffix = $"epoch{state.EpochsDone}";
        var saved = new Saved(state, $"model-{suffix}.safetensors", $"optimizer-{suffix}.bin",
            state.Best is null ? null : $"best-{suffix}.safetensors",
            [.. state.AveragingWindow.Select((_, i) => $"average{i}-{suffix}.safetensors")]);
        File.WriteAllBytes(Path.Combine(Directory, saved.ModelFile), SafeTensors.Write(ModuleState.Export(model)));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(Directory, saved.OptimizerFile))))
            optimizer.save_state_dict(writer);
        if (saved.BestFile is { } bestFile) File.WriteAllBytes(Path.Combine(Directory, bestFile), SafeTensors.Write(state.Best!));
        for (int i = 0; i < saved.WindowFiles!.Length; i++)
            File.WriteAllBytes(Path.Combine(Directory, saved.WindowFiles[i]), SafeTensors.Write(state.AveragingWindow[i]));

        string temporary = Path.Combine(Directory, StateFile + ".tmp");
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(saved, ComponentArchive.Json));
        File.Move(temporary, Path.Combine(Directory, StateFile), overwrite: true);

        var current = new HashSet<string?>([saved.ModelFile, saved.OptimizerFile, saved.BestFile, .. saved.WindowFiles]);
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*-epoch*.*"))
            if (!current.Contains(Path.GetFileName(file))) File.Delete(file);
    }

    private IReadOnlyList<TensorData> ReadTensors(string file)
    {
        string path = Path.Combine(Directory, file);
        return SafeTensors.Read(File.ReadAllBytes(path), path).Tensors;
    }

    /// <param name="WindowFiles">The <see cref="RunState.AveragingWindow"/>, oldest first; null in checkpoints written before it existed.</param>
    private sealed record Saved(RunState State, string ModelFile, string OptimizerFile, string? BestFile, string[]? WindowFiles);
}
