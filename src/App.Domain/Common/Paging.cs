namespace App.Domain.Common;

/// <summary>Page numbers and sizes from outside, brought into range.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;

    public static (int PageIndex, int PageSize) Clamp(int pageIndex, int pageSize) =>
        (Math.Max(0, pageIndex), Math.Clamp(pageSize, 1, MaxPageSize));
}
