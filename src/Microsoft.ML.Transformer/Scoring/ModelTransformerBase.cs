using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Base of the library's trained models: a config record and a TorchSharp network, saved together as one component of
/// the model zip (<see cref="ComponentArchive"/>: the config as <c>config.json</c>, the network's state as its tensors)
/// and rebuilt from it on load. Dispose it to free the network's native tensors.
/// </summary>
public abstract class ModelTransformerBase : BlockTransformerBase, IDisposable
{
    private readonly ComponentFormat _format;
    private readonly IModelConfig _config;
    private readonly nn.Module _network;
    private volatile bool _disposed;

    /// <summary>Registers a host named after the component's type and puts the network in inference mode.</summary>
    private protected ModelTransformerBase(IHostEnvironment env, ComponentFormat format, IModelConfig config, nn.Module network)
        : base(Contracts.CheckRef(env, nameof(env)).Register(format.ComponentType.Name), config.BlockSize)
    {
        (_format, _config, _network) = (format, config, network);
        _network.eval();
    }

    /// <summary>d_model.</summary>
    public int ModelDimension => _config.Model.ModelDimension;

    /// <summary>Writes the config (columns, shape, what the task adds) and the weights through the library's save format.</summary>
    protected sealed override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        List<TensorData> tensors = ExportWeights();
        ComponentArchive.Save(ctx, _format, ConfigToSave(tensors), tensors);
    }

    /// <summary>The network's state (state_dict names), for a save or an export.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed: it has no weights to write.</exception>
    internal List<TensorData> ExportWeights()
    {
        ThrowIfDisposed();
        return ModuleState.Export(_network);
    }

    /// <summary>The config as saved. A component that carries more than its network (a tokenizer) adds that part's
    /// tensors to <paramref name="tensors"/> and its config to the returned record.</summary>
    private protected virtual IModelConfig ConfigToSave(List<TensorData> tensors) => _config;

    /// <summary>What <see cref="ModelFormatException.ThrowIfInvalid{T}"/> calls a saved config that a constructor refuses.</summary>
    private protected const string SavedSettings = "the saved settings";

    /// <summary>Reads a saved component of <paramref name="format"/> (the start of every loader's <c>Create</c>).</summary>
    private protected static SavedComponent<TConfig> Read<TConfig>(IHostEnvironment env, ModelLoadContext ctx, ComponentFormat format)
        where TConfig : IModelConfig
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        return ComponentArchive.Load<TConfig>(ctx, format);
    }

    /// <summary>The network <paramref name="build"/> makes from the saved <paramref name="shape"/> (validated), with
    /// the saved <paramref name="weights"/>: they replace every parameter, so the seed it is built with does not matter.</summary>
    private protected static TNetwork Restore<TNetwork>(TransformerConfig shape, Func<TransformerConfig, TNetwork> build, TensorSet weights)
        where TNetwork : nn.Module
    {
        TNetwork network = build(shape.Validate());
        ModuleState.Import(network, weights);
        return network;
    }

    private protected sealed override void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Frees the native tensors. Saving, transforming or making a prediction engine afterwards throws
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _network.Dispose();
    }
}
