using Microsoft.ML.Transformer.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Serialization;

public class ModuleStateTests
{
    private sealed class TwoLayers : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _first, _second;
        private readonly TorchSharp.Modules.LayerNorm _norm;

        public TwoLayers(int inner) : base(nameof(TwoLayers))
        {
            _first = nn.Linear(3, inner);
            _norm = nn.LayerNorm(inner);
            _second = nn.Linear(inner, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => _second.forward(_norm.forward(_first.forward(x)));
    }

    private static TensorSet Saved(nn.Module module, string owner = "test model")
        => new(SafeTensors.Read(SafeTensors.Write(ModuleState.Export(module)), owner).Tensors, owner);

    [Fact]
    public void ExportThenImportReproducesTheModelExactly()
    {
        torch.manual_seed(1);
        using var source = new TwoLayers(4);
        torch.manual_seed(2);
        using var target = new TwoLayers(4);
        using var x = torch.randn(5, 3);

        ModuleState.Import(target, Saved(source));

        using var expected = source.forward(x);
        using var actual = target.forward(x);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void WrongShapeNamesTheTensorAndBothShapes()
    {
        using var source = new TwoLayers(4);
        using var target = new TwoLayers(5);
        var error = Assert.Throws<ModelFormatException>(() => ModuleState.Import(target, Saved(source)));
        Assert.Contains("tensor '_first.weight' has shape [4, 3], expected [5, 3]", error.Message);
    }

    [Fact]
    public void MissingAndUnexpectedTensorsAreNamed()
    {
        using var module = new TwoLayers(4);
        List<TensorData> tensors = ModuleState.Export(module);
        var missing = new TensorSet(tensors.Where(t => t.Name != "_norm.bias"), "m");
        Assert.Contains("tensor '_norm.bias' is missing", Assert.Throws<ModelFormatException>(() => ModuleState.Import(module, missing)).Message);

        var extra = new TensorSet(tensors.Append(TensorData.FromSingle("_third.weight", [1f], 1)), "m");
        Assert.Contains("unexpected tensor(s) '_third.weight'", Assert.Throws<ModelFormatException>(() => ModuleState.Import(module, extra)).Message);
    }

    [Fact]
    public void WrongDtypeIsNamed()
    {
        using var module = new TwoLayers(4);
        var tensors = ModuleState.Export(module).Select(t => t.Name == "_norm.weight"
            ? ModuleState.ToTensorData(t.Name, torch.ones(4, dtype: torch.float64)) : t);
        var error = Assert.Throws<ModelFormatException>(() => ModuleState.Import(module, new TensorSet(tensors, "m")));
        Assert.Contains("tensor '_norm.weight' is F64, expected F32", error.Message);
    }
}
