using System.Management.Automation.Host;

namespace KmodPS.Host;

/// <summary>A line-oriented console: its width decides how Out-Default lays out tables.</summary>
internal sealed class RunnerRawUserInterface : PSHostRawUserInterface
{
    private readonly int _width;

    public RunnerRawUserInterface(int width)
    {
        _width = width;
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override Size BufferSize { get => new(_width, 9999); set { } }

    public override Coordinates CursorPosition { get; set; }

    public override int CursorSize { get; set; } = 1;

    public override bool KeyAvailable => false;

    public override Size MaxPhysicalWindowSize => new(_width, 9999);

    public override Size MaxWindowSize => new(_width, 9999);

    public override Coordinates WindowPosition { get; set; }

    public override Size WindowSize { get => new(_width, 50); set { } }

    public override string WindowTitle { get; set; } = "kmodps";

    public override void FlushInputBuffer()
    {
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("kmodps has no screen buffer.");

    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("kmodps is not interactive.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }
}
