-- One row per reviewer's decision, with the fact it is about in this build (or none: orphaned)
-- and whether it takes effect.
--
-- A decision names a figure by its article's URL, its text as printed and its character
-- position, never by fact_id (which a new extractor version renumbers). It matches the fact of a
-- kept article of that URL that prints the same text nearest to that position, within
-- var('correction_position_tolerance') characters (a page reader that changed the text before
-- the figure shifts it a little); every printing of a figure counts (a fact's mentions).
--
-- Which decision takes effect: per fact, the latest decision (decided_at, then the later line
-- of the file) says whether it stands (accept, correct) or is rejected; of the corrections of
-- one field, the latest. An accept changes nothing: it records that the figure was checked.
with decisions as (
    select * from {{ ref('stg_review__corrections') }}
),

-- the kept articles a decision names (a few among many: the printings below read only theirs)
articles as (
    select article_id, url, article_text from {{ ref('stg_news__articles') }}
    where status = 'kept' and url in (select url from decisions)
),

-- every printing of every fact of a kept article: (fact, where, what text)
printings as (
    select
        f.fact_id,
        f.article_id,
        a.url,
        cast(m.mention -> 'span' ->> 0 as integer) as printed_at,
        -- the text at the mention's span, read as `asxh review` reads a figure (the article text)
        substring(a.article_text, cast(m.mention -> 'span' ->> 0 as integer) + 1,
                  cast(m.mention -> 'span' ->> 1 as integer) - cast(m.mention -> 'span' ->> 0 as integer)) as printed_text
    from {{ ref('stg_news__facts') }} as f
    inner join articles as a using (article_id)
    cross join unnest(cast(f.mentions as json[])) as m(mention)
),

candidates as (
    select
        d.correction_id,
        p.fact_id,
        p.article_id,
        p.printed_at,
        abs(p.printed_at - d.position) as distance,
        row_number() over (partition by d.correction_id order by abs(p.printed_at - d.position), p.fact_id) as nearness
    from decisions as d
    inner join printings as p
        on p.url = d.url
        and p.printed_text = d.figure_text
        and abs(p.printed_at - d.position) <= {{ var('correction_position_tolerance') }}
),

matched as (
    select
        d.*,
        c.fact_id,
        c.article_id,
        c.printed_at as matched_position,
        case
            when c.fact_id is not null then null
            when not exists (select 1 from articles as a where a.url = d.url) then 'no kept article with this URL in the warehouse'
            else 'no figure printed as this text within ' || {{ var('correction_position_tolerance') }} || ' characters of this position in the article'
        end as orphan_reason
    from decisions as d
    left join candidates as c on c.correction_id = d.correction_id and c.nearness = 1
),

ordered as (
    select
        *,
        -- the fact's latest decision of all: does the figure stand or is it rejected?
        row_number() over (partition by fact_id order by decided_at desc, file_row desc) as fact_order,
        -- the latest decision on this field of the fact
        row_number() over (partition by fact_id, decision = 'correct', field order by decided_at desc, file_row desc) as field_order
    from matched
),

latest as (
    select fact_id, decision = 'reject' as is_rejected
    from ordered
    where fact_id is not null and fact_order = 1
)

select
    o.correction_id,
    o.file_row,
    o.url,
    o.figure_text,
    o.position,
    o.decision,
    o.field,
    o.corrected_value,
    o.reviewer,
    o.decided_at,
    o.reason,
    o.fact_id,
    o.article_id,
    o.matched_position,
    case
        when o.fact_id is null then 'orphaned'
        -- the figure was rejected later: its earlier corrections and accepts no longer apply
        when l.is_rejected and o.decision <> 'reject' then 'superseded'
        -- a rejection followed by a later accept or correction: the reviewer changed their mind
        when o.decision = 'reject' and not l.is_rejected then 'superseded'
        when o.decision = 'reject' and o.fact_order > 1 then 'superseded'
        when o.decision = 'correct' and o.field_order > 1 then 'superseded'
        else 'applied'
    end as status,
    o.orphan_reason
from ordered as o
left join latest as l using (fact_id)
