{#-
    Full Dawid-Skene for `category` fields: each worker gets a confusion matrix
    (how often it says label l when the truth is class k), each field a class
    prior, both learnt by expectation-maximisation. Each matrix row has a
    Dirichlet prior: `confusion_smoothing` pseudo-answers on every cell plus
    `confusion_diagonal_prior` on the diagonal (a worker is more often right
    than wrong), so a worker seen a few times is not taken at its word. Gold tasks are clamped to their
    known class. Rounds are materialised CTEs, so cost grows linearly.

    Output has int_em_one_coin's shape: one row per candidate with its posterior
    (renormalised over the labels some worker gave on that task).
-#}
{%- set rounds = hitflow_trust('em_iterations', 10) | int
    if hitflow_trust('method', 'em') == 'em' else 0 -%}
{%- set smoothing = hitflow_trust('confusion_smoothing', 0.1) -%}
{%- set diagonal = hitflow_trust('confusion_diagonal_prior', 1.0) -%}

with

candidates as (

    select * from {{ ref('int_candidates') }}

),

votes as (

    select * from {{ ref('int_assignment_votes') }}

),

fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

gold as (

    select * from {{ ref('int_gold_values') }}

),

category_fields as (

    select distinct
        stage,
        field

    from fields

    where value_type = 'category'

),

observations as materialized (

    select
        votes.worker_id,
        votes.stage,
        votes.task_id,
        votes.field,
        votes.value as label

    from votes

    inner join category_fields
        on
            votes.stage = category_fields.stage
            and votes.field = category_fields.field

    where not votes.is_none

),

classes as materialized (

    select distinct
        stage,
        field,
        label as class

    from observations

),

items as materialized (

    select
        observations.stage,
        observations.task_id,
        observations.field,
        count(*) as n_votes,
        any_value(gold.value) as gold_class

    from observations

    left join gold
        on
            observations.task_id = gold.task_id
            and observations.field = gold.field

    group by observations.stage, observations.task_id, observations.field

),

item_classes as materialized (

    select
        items.stage,
        items.task_id,
        items.field,
        items.gold_class,
        classes.class

    from items

    inner join classes
        on
            items.stage = classes.stage
            and items.field = classes.field

),

worker_labels as materialized (

    {#- Every (worker, field, label it used, class): the confusion cells the
        E-step needs. -#}
    select distinct
        observations.worker_id,
        observations.stage,
        observations.field,
        observations.label,
        classes.class

    from observations

    inner join classes
        on
            observations.stage = classes.stage
            and observations.field = classes.field

),

class_counts as (

    select
        stage,
        field,
        count(*) as n_classes

    from classes

    group by stage, field

),

truth_0 as materialized (

    {#- Round 0 (majority vote): each class's share of the task's votes. -#}
    select
        item_classes.task_id,
        item_classes.field,
        item_classes.class,
        case
            when item_classes.gold_class is not null
                then (item_classes.class = item_classes.gold_class)::double
            else count(observations.label) / any_value(items.n_votes)
        end as probability

    from item_classes

    inner join items
        on
            item_classes.task_id = items.task_id
            and item_classes.field = items.field

    left join observations
        on
            item_classes.task_id = observations.task_id
            and item_classes.field = observations.field
            and item_classes.class = observations.label

    group by
        item_classes.task_id,
        item_classes.field,
        item_classes.class,
        item_classes.gold_class

),

{% for round in range(1, rounds + 1) %}
    {%- set truth = 'truth_' ~ (round - 1) %}
    class_prior_{{ round }} as materialized (

        select
            item_classes.stage,
            item_classes.field,
            item_classes.class,
            (avg({{ truth }}.probability) + 0.001) as prior

        from item_classes

        inner join {{ truth }}
            on
                item_classes.task_id = {{ truth }}.task_id
                and item_classes.field = {{ truth }}.field
                and item_classes.class = {{ truth }}.class

        group by item_classes.stage, item_classes.field, item_classes.class

    ),

    confusion_{{ round }} as materialized (

        with said as (

            select
                observations.worker_id,
                observations.field,
                observations.label,
                {{ truth }}.class,
                {{ truth }}.probability

            from observations

            inner join {{ truth }}
                on
                    observations.task_id = {{ truth }}.task_id
                    and observations.field = {{ truth }}.field

        ),

        numerators as (

            select
                worker_id,
                field,
                label,
                class,
                sum(probability) as weight

            from said

            group by worker_id, field, label, class

        ),

        denominators as (

            select
                worker_id,
                field,
                class,
                sum(probability) as weight

            from said

            group by worker_id, field, class

        )

        select
            worker_labels.worker_id,
            worker_labels.field,
            worker_labels.label,
            worker_labels.class,
            (
                coalesce(numerators.weight, 0)
                + {{ smoothing }}
                + case
                    when
                        worker_labels.label = worker_labels.class
                        then {{ diagonal }} else
                        0
                end
            )
            / (
                coalesce(denominators.weight, 0)
                + {{ smoothing }} * class_counts.n_classes
                + {{ diagonal }}
            ) as rate

        from worker_labels

        inner join class_counts
            on
                worker_labels.stage = class_counts.stage
                and worker_labels.field = class_counts.field

        left join numerators
            on
                worker_labels.worker_id = numerators.worker_id
                and worker_labels.field = numerators.field
                and worker_labels.label = numerators.label
                and worker_labels.class = numerators.class

        left join denominators
            on
                worker_labels.worker_id = denominators.worker_id
                and worker_labels.field = denominators.field
                and worker_labels.class = denominators.class

    ),

    truth_{{ round }} as materialized (

        with scored as (

            select
                item_classes.task_id,
                item_classes.field,
                item_classes.class,
                any_value(item_classes.gold_class) as gold_class,
                ln(any_value(class_prior_{{ round }}.prior))
                + sum(ln(confusion_{{ round }}.rate)) as score

            from item_classes

            inner join class_prior_{{ round }}
                on
                    item_classes.stage = class_prior_{{ round }}.stage
                    and item_classes.field = class_prior_{{ round }}.field
                    and item_classes.class = class_prior_{{ round }}.class

            inner join observations
                on
                    item_classes.task_id = observations.task_id
                    and item_classes.field = observations.field

            inner join confusion_{{ round }}
                on
                    observations.worker_id = confusion_{{ round }}.worker_id
                    and observations.field = confusion_{{ round }}.field
                    and observations.label = confusion_{{ round }}.label
                    and item_classes.class = confusion_{{ round }}.class

            group by item_classes.task_id, item_classes.field, item_classes.class

        ),

        centred as (

            select
                *,
                exp(score - max(score) over (partition by task_id, field)) as odds

            from scored

        )

        select
            task_id,
            field,
            class,
            case
                when gold_class is not null then (class = gold_class)::double
                else odds / sum(odds) over (partition by task_id, field)
            end as probability

        from centred

    ),

{% endfor %}
observed as (

    select
        candidates.candidate_id,
        candidates.stage,
        candidates.task_id,
        candidates.field,
        coalesce(final_round.probability, 0.0) as probability

    from candidates

    inner join category_fields
        on
            candidates.stage = category_fields.stage
            and candidates.field = category_fields.field

    left join truth_{{ rounds }} as final_round
        on
            candidates.task_id = final_round.task_id
            and candidates.field = final_round.field
            and candidates.value = final_round.class

),

final as (

    select
        candidate_id,
        stage,
        task_id,
        field,
        false as is_multi,
        coalesce(
            probability
            / nullif(sum(probability) over (partition by task_id, field), 0),
            1.0 / count(*) over (partition by task_id, field)
        ) as posterior,
        {{ rounds }} as em_rounds

    from observed

)

select * from final
