using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>A <see cref="LanguageModelTransformer"/> bound to an input schema: continues each prompt of a block with the
/// model's generation settings. Rows are generated one after the other (prompts differ in length, and each row stops at
/// its own [EOS]); every row uses the same seed, so a prompt gets the same completion in <c>Transform</c> and
/// <c>PredictionEngine</c>.</summary>
internal sealed class LanguageModelBlockMapper : IBlockMapper
{
    private readonly LanguageModelTransformer _parent;
    private readonly DataViewSchema.Column _prompt;

    public LanguageModelBlockMapper(LanguageModelTransformer parent, IHost host, DataViewSchema inputSchema)
    {
        (_parent, InputSchema) = (parent, inputSchema);
        _prompt = TextColumn.Find(host, inputSchema, parent.Config.PromptColumnName, "prompt");
        OutputColumns = [new DataViewSchema.DetachedColumn(parent.Config.CompletionColumnName, TextDataViewType.Instance)];
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema.DetachedColumn[] OutputColumns { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(Func<int, bool> activeOutput) => activeOutput(0) ? [_prompt] : [];

    public IBlockComputation CreateComputation(DataViewRow input, int capacity) => new Computation(this, input, capacity);

    private sealed class Computation(LanguageModelBlockMapper mapper, DataViewRow input, int capacity) : IBlockComputation
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _getPrompt = input.GetGetter<ReadOnlyMemory<char>>(mapper._prompt);
        private readonly string[] _prompts = new string[capacity];
        private readonly string[] _completions = new string[capacity];
        private ReadOnlyMemory<char> _buffer;

        public void Load(int slot)
        {
            _getPrompt(ref _buffer);
            _prompts[slot] = _buffer.ToString();
        }

        public void Compute(int count)
        {
            LanguageModelTransformer model = mapper._parent;
            for (int i = 0; i < count; i++)
                _completions[i] = model.Tokenizer.Decode(model.GenerateIds(_prompts[i], model.Generation).ToArray());
        }

        public Delegate MakeGetter(int output, Func<int> slot)
            => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _completions[slot()].AsMemory());

        public void Dispose() { }
    }
}
