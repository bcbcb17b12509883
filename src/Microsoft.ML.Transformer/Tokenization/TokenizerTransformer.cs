using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;

[assembly: LoadableClass(typeof(TokenizerTransformer), null, typeof(SignatureLoadModel),
    "Transformer Tokenizer", TokenizerTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// A fitted tokenizer in an ML.NET pipeline: maps a text column to a vector column of token ids (and optionally a
/// length column). Created by <see cref="TokenizeForTransformerEstimator.Fit(IDataView)"/>; saved and loaded with
/// <c>mlContext.Model.Save/Load</c>. Thread-safe for scoring.
/// </summary>
public sealed class TokenizerTransformer : RowToRowTransformerBase
{
    internal const string LoaderSignature = "MLTransformerTokenizer";
    internal static readonly ComponentFormat Format = new("Tokenizer", "MLTTOKNZ", LoaderSignature, CurrentVersion: 1, typeof(TokenizerTransformer));

    internal TokenizerTransformer(IHostEnvironment env, string outputColumnName, string inputColumnName, TokenizerOptions options, TextTokenizer tokenizer)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(TokenizerTransformer)))
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Options = options;
        Tokenizer = tokenizer;
    }

    /// <summary>The text column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The token-id column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>The options the tokenizer was fitted with.</summary>
    public TokenizerOptions Options { get; }

    /// <summary>The fitted tokenizer: vocabulary, <see cref="TextTokenizer.Encode(string?)"/> and <see cref="TextTokenizer.Decode(ReadOnlySpan{int}, bool)"/>.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Rows whose tokens were cut to <see cref="TokenizerOptions.MaxLength"/>, over every cursor closed so far
    /// (each cursor that truncated also logs its count).</summary>
    public long TruncatedRowCount => Interlocked.Read(ref _truncatedRows);

    private long _truncatedRows;

    /// <summary>Vocabulary size, special tokens included (the embedding table size a model needs).</summary>
    public int VocabularySize => Tokenizer.VocabularySize;

    /// <summary>Text of token ids (as in the output column; for key-typed output subtract 1 first).</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true) => Tokenizer.Decode(ids, skipSpecialTokens);

    /// <summary>The output column's type: an int32 (or key) vector, of size <see cref="TokenizerOptions.MaxLength"/> when padded.</summary>
    internal VectorDataViewType OutputType => new(
        Options.OutputAsKeys ? new KeyDataViewType(typeof(uint), Tokenizer.VocabularySize) : NumberDataViewType.Int32,
        Options.PadToMaxLength ? Options.MaxLength : 0);

    private static TokenizerTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        SavedComponent<TokenizerConfig> saved = ComponentArchive.Load<TokenizerConfig>(ctx, Format);
        TokenizerConfig config = saved.Config;
        TextTokenizer tokenizer = config.CreateTokenizer(saved.Tensors, saved.Source);
        return ModelFormatException.ThrowIfInvalid(saved.Source, "the saved settings",
            () => new TokenizerTransformer(env, config.OutputColumnName, config.InputColumnName, config.Options, tokenizer));
    }

    /// <summary>Writes columns, options and vocabulary through the library's save format (docs/save-format.md).</summary>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        var (config, tensors) = TokenizerConfig.From(this);
        ComponentArchive.Save(ctx, Format, config, tensors);
    }

    /// <summary>ML.NET's row mapper for this transformer.</summary>
    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    private sealed class Mapper : MapperBase
    {
        private readonly TokenizerTransformer _parent;
        private readonly int _inputIndex;

        public Mapper(TokenizerTransformer parent, DataViewSchema inputSchema)
            : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
        {
            _parent = parent;
            if (!inputSchema.TryGetColumnIndex(parent.InputColumnName, out _inputIndex))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", parent.InputColumnName);
            DataViewType type = inputSchema[_inputIndex].Type;
            if (type is not TextDataViewType)
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", parent.InputColumnName, "String", type.ToString());
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            var annotations = TokenColumnAnnotations.For(_parent.Tokenizer, _parent.Options);
            var columns = new List<DataViewSchema.DetachedColumn> { new(_parent.OutputColumnName, _parent.OutputType, annotations) };
            if (_parent.Options.LengthColumnName is { } lengthName)
                columns.Add(new DataViewSchema.DetachedColumn(lengthName, NumberDataViewType.Int32));
            return [.. columns];
        }

        // The token and length columns share one encoding per row, so CreateGetters builds them together.
        public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
        {
            var getters = new Delegate[OutputColumns.Value.Length];
            RowEncoding? row = null;   // only when an output is active: otherwise the text column is not either
            for (int i = 0; i < getters.Length; i++)
                if (activeOutput(i)) getters[i] = (row ??= new RowEncoding(_parent, input, _inputIndex)).MakeGetter(i);
            disposer = () => row?.ReportTruncation();
            return getters;
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            var row = new RowEncoding(_parent, input, _inputIndex);
            disposer = row.ReportTruncation;
            return row.MakeGetter(iinfo);
        }

        protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
        {
            bool anyActive = Enumerable.Range(0, OutputColumns.Value.Length).Any(activeOutput);
            return col => anyActive && col == _inputIndex;
        }

        protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);
    }

    /// <summary>The encoding of the cursor's current row, computed once however many output columns read it.</summary>
    private sealed class RowEncoding(TokenizerTransformer parent, DataViewRow input, int inputIndex)
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _text = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[inputIndex]);
        private readonly TokenSequenceEncoder _encoder = new(parent.Tokenizer, parent.Options);
        private ReadOnlyMemory<char> _buffer;
        private long _position = -1;
        private int _length;

        public Delegate MakeGetter(int column) => column == 0
            ? parent.Options.OutputAsKeys ? (ValueGetter<VBuffer<uint>>)GetKeys : (ValueGetter<VBuffer<int>>)GetIds
            : (ValueGetter<int>)GetLength;

        private void EnsureEncoded()
        {
            if (_position == input.Position) return;
            _text(ref _buffer);
            _length = _encoder.Encode(_buffer.Span);
            _position = input.Position;
        }

        private void GetIds(ref VBuffer<int> dst)
        {
            EnsureEncoded();
            ReadOnlySpan<int> ids = _encoder.Sequence;
            var editor = VBufferEditor.Create(ref dst, ids.Length);
            ids.CopyTo(editor.Values);
            dst = editor.Commit();
        }

        private void GetKeys(ref VBuffer<uint> dst)
        {
            EnsureEncoded();
            ReadOnlySpan<int> ids = _encoder.Sequence;
            var editor = VBufferEditor.Create(ref dst, ids.Length);
            for (int i = 0; i < ids.Length; i++) editor.Values[i] = (uint)ids[i] + 1;
            dst = editor.Commit();
        }

        /// <summary>Adds this cursor's truncated rows to the transformer's count and logs them (once per cursor).</summary>
        public void ReportTruncation()
        {
            long truncated = _encoder.TruncatedCount - _reported;
            if (truncated == 0) return;
            _reported = _encoder.TruncatedCount;
            Interlocked.Add(ref parent._truncatedRows, truncated);
            using var channel = parent.Host.Start("Tokenizing");
            channel.Info($"Tokenizer: {truncated} of {_encoder.EncodedCount} row(s) of column '{parent.InputColumnName}' were longer than " +
                $"MaxLength = {parent.Options.MaxLength} tokens and were truncated ({parent.Options.Truncation}).");
        }

        private long _reported;

        private void GetLength(ref int dst)
        {
            EnsureEncoded();
            dst = _length;
        }
    }
}
