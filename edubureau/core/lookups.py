"""Lookups on integer columns and foreign keys that are safe for numbers out of the column's range.

Django already answers `pk=10**20` with no rows, but `pk__in=[10**20]` and `school_id=10**20` (a
foreign key) reach SQLite, which refuses to bind the number: OverflowError, a server error. A client
can send such a number anywhere an id is read (a form's choice, `?school=`); a number out of range
matches no row, so these lookups leave it out of the query. Registered by CoreConfig.ready().
"""

from django.core.exceptions import EmptyResultSet, FieldError
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _range(field, connection):
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not an integer column
        return None, None


def _fits(value, low, high) -> bool:
    return not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))


def _target(lookup):
    try:
        return lookup.lhs.output_field.target_field
    except (AttributeError, FieldError):  # a relation over several columns
        return None


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _range(self.lhs.output_field, connection)
            self.rhs = [v for v in self.rhs if _fits(v, low, high)]
        return super().process_rhs(compiler, connection)


class RelatedIntegerIn(RelatedIn):
    def process_rhs(self, compiler, connection):
        target = _target(self)
        if self.rhs_is_direct_value() and target is not None:
            low, high = _range(target, connection)
            self.rhs = [v for v in self.rhs if _fits(v, low, high)]
        return super().process_rhs(compiler, connection)


class RelatedIntegerExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        target = _target(self)
        if (
            self.rhs_is_direct_value()
            and target is not None
            and not _fits(self.rhs, *_range(target, connection))
        ):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
    ForeignObject.register_lookup(RelatedIntegerExact)
