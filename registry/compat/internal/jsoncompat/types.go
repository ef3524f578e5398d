package jsoncompat

// Type is a kind of difference between two JSON Schemas, named as
// Confluent Schema Registry's JSON Schema checker names it
// (io.confluent.kafka.schemaregistry.json.diff.Difference.Type).
type Type string

// The difference types. Whether one breaks compatibility depends on the
// Policy: see Strict and Lenient.
const (
	IDChanged          Type = "ID_CHANGED"
	DescriptionChanged Type = "DESCRIPTION_CHANGED"
	TitleChanged       Type = "TITLE_CHANGED"
	DefaultChanged     Type = "DEFAULT_CHANGED"
	SchemaAdded        Type = "SCHEMA_ADDED"
	SchemaRemoved      Type = "SCHEMA_REMOVED"
	TypeExtended       Type = "TYPE_EXTENDED"
	TypeNarrowed       Type = "TYPE_NARROWED"
	TypeChanged        Type = "TYPE_CHANGED"

	MaxLengthAdded     Type = "MAX_LENGTH_ADDED"
	MaxLengthRemoved   Type = "MAX_LENGTH_REMOVED"
	MaxLengthIncreased Type = "MAX_LENGTH_INCREASED"
	MaxLengthDecreased Type = "MAX_LENGTH_DECREASED"
	MinLengthAdded     Type = "MIN_LENGTH_ADDED"
	MinLengthRemoved   Type = "MIN_LENGTH_REMOVED"
	MinLengthIncreased Type = "MIN_LENGTH_INCREASED"
	MinLengthDecreased Type = "MIN_LENGTH_DECREASED"
	PatternAdded       Type = "PATTERN_ADDED"
	PatternRemoved     Type = "PATTERN_REMOVED"
	PatternChanged     Type = "PATTERN_CHANGED"

	MaximumAdded                      Type = "MAXIMUM_ADDED"
	MaximumRemoved                    Type = "MAXIMUM_REMOVED"
	MaximumIncreased                  Type = "MAXIMUM_INCREASED"
	MaximumDecreased                  Type = "MAXIMUM_DECREASED"
	MinimumAdded                      Type = "MINIMUM_ADDED"
	MinimumRemoved                    Type = "MINIMUM_REMOVED"
	MinimumIncreased                  Type = "MINIMUM_INCREASED"
	MinimumDecreased                  Type = "MINIMUM_DECREASED"
	ExclusiveMaximumAdded             Type = "EXCLUSIVE_MAXIMUM_ADDED"
	ExclusiveMaximumRemoved           Type = "EXCLUSIVE_MAXIMUM_REMOVED"
	ExclusiveMaximumIncreased         Type = "EXCLUSIVE_MAXIMUM_INCREASED"
	ExclusiveMaximumDecreased         Type = "EXCLUSIVE_MAXIMUM_DECREASED"
	ExclusiveMinimumAdded             Type = "EXCLUSIVE_MINIMUM_ADDED"
	ExclusiveMinimumRemoved           Type = "EXCLUSIVE_MINIMUM_REMOVED"
	ExclusiveMinimumIncreased         Type = "EXCLUSIVE_MINIMUM_INCREASED"
	ExclusiveMinimumDecreased         Type = "EXCLUSIVE_MINIMUM_DECREASED"
	MultipleOfAdded                   Type = "MULTIPLE_OF_ADDED"
	MultipleOfRemoved                 Type = "MULTIPLE_OF_REMOVED"
	MultipleOfExpanded                Type = "MULTIPLE_OF_EXPANDED"
	MultipleOfReduced                 Type = "MULTIPLE_OF_REDUCED"
	MultipleOfChanged                 Type = "MULTIPLE_OF_CHANGED"
	RequiredAttributeAdded            Type = "REQUIRED_ATTRIBUTE_ADDED"
	RequiredAttributeWithDefaultAdded Type = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
	RequiredAttributeRemoved          Type = "REQUIRED_ATTRIBUTE_REMOVED"

	MaxPropertiesAdded           Type = "MAX_PROPERTIES_ADDED"
	MaxPropertiesRemoved         Type = "MAX_PROPERTIES_REMOVED"
	MaxPropertiesIncreased       Type = "MAX_PROPERTIES_INCREASED"
	MaxPropertiesDecreased       Type = "MAX_PROPERTIES_DECREASED"
	MinPropertiesAdded           Type = "MIN_PROPERTIES_ADDED"
	MinPropertiesRemoved         Type = "MIN_PROPERTIES_REMOVED"
	MinPropertiesIncreased       Type = "MIN_PROPERTIES_INCREASED"
	MinPropertiesDecreased       Type = "MIN_PROPERTIES_DECREASED"
	AdditionalPropertiesAdded    Type = "ADDITIONAL_PROPERTIES_ADDED"
	AdditionalPropertiesRemoved  Type = "ADDITIONAL_PROPERTIES_REMOVED"
	AdditionalPropertiesExtended Type = "ADDITIONAL_PROPERTIES_EXTENDED"
	AdditionalPropertiesNarrowed Type = "ADDITIONAL_PROPERTIES_NARROWED"
	DependencyArrayAdded         Type = "DEPENDENCY_ARRAY_ADDED"
	DependencyArrayRemoved       Type = "DEPENDENCY_ARRAY_REMOVED"
	DependencyArrayExtended      Type = "DEPENDENCY_ARRAY_EXTENDED"
	DependencyArrayNarrowed      Type = "DEPENDENCY_ARRAY_NARROWED"
	DependencyArrayChanged       Type = "DEPENDENCY_ARRAY_CHANGED"
	DependencySchemaAdded        Type = "DEPENDENCY_SCHEMA_ADDED"
	DependencySchemaRemoved      Type = "DEPENDENCY_SCHEMA_REMOVED"

	PropertyAddedToOpenContentModel                      Type = "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	RequiredPropertyAddedToOpenContentModel              Type = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	RequiredPropertyWithDefaultAddedToOpenContentModel   Type = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
	OptionalPropertyAddedToOpenContentModel              Type = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	PropertyWithEmptySchemaAddedToOpenContentModel       Type = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	RequiredPropertyAddedToUnopenContentModel            Type = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	RequiredPropertyWithDefaultAddedToUnopenContentModel Type = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
	OptionalPropertyAddedToUnopenContentModel            Type = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	PropertyRemovedFromOpenContentModel                  Type = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
	PropertyWithFalseRemovedFromClosedContentModel       Type = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedFromClosedContentModel                Type = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	PropertyRemovedIsCoveredByPartiallyOpenContentModel  Type = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyRemovedNotCoveredByPartiallyOpenContentModel Type = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedIsCoveredByPartiallyOpenContentModel    Type = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	PropertyAddedNotCoveredByPartiallyOpenContentModel   Type = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ReservedPropertyRemoved                              Type = "RESERVED_PROPERTY_REMOVED"
	ReservedPropertyConflictsWithProperty                Type = "RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY"
	UnevaluatedPropertiesAdded                           Type = "UNEVALUATED_PROPERTIES_ADDED"
	UnevaluatedPropertiesRemoved                         Type = "UNEVALUATED_PROPERTIES_REMOVED"
	UnevaluatedPropertiesExtended                        Type = "UNEVALUATED_PROPERTIES_EXTENDED"
	UnevaluatedPropertiesNarrowed                        Type = "UNEVALUATED_PROPERTIES_NARROWED"

	MaxItemsAdded                                    Type = "MAX_ITEMS_ADDED"
	MaxItemsRemoved                                  Type = "MAX_ITEMS_REMOVED"
	MaxItemsIncreased                                Type = "MAX_ITEMS_INCREASED"
	MaxItemsDecreased                                Type = "MAX_ITEMS_DECREASED"
	MinItemsAdded                                    Type = "MIN_ITEMS_ADDED"
	MinItemsRemoved                                  Type = "MIN_ITEMS_REMOVED"
	MinItemsIncreased                                Type = "MIN_ITEMS_INCREASED"
	MinItemsDecreased                                Type = "MIN_ITEMS_DECREASED"
	MaxContainsAdded                                 Type = "MAX_CONTAINS_ADDED"
	MaxContainsRemoved                               Type = "MAX_CONTAINS_REMOVED"
	MaxContainsIncreased                             Type = "MAX_CONTAINS_INCREASED"
	MaxContainsDecreased                             Type = "MAX_CONTAINS_DECREASED"
	MinContainsAdded                                 Type = "MIN_CONTAINS_ADDED"
	MinContainsRemoved                               Type = "MIN_CONTAINS_REMOVED"
	MinContainsIncreased                             Type = "MIN_CONTAINS_INCREASED"
	MinContainsDecreased                             Type = "MIN_CONTAINS_DECREASED"
	UniqueItemsAdded                                 Type = "UNIQUE_ITEMS_ADDED"
	UniqueItemsRemoved                               Type = "UNIQUE_ITEMS_REMOVED"
	AdditionalItemsAdded                             Type = "ADDITIONAL_ITEMS_ADDED"
	AdditionalItemsRemoved                           Type = "ADDITIONAL_ITEMS_REMOVED"
	AdditionalItemsExtended                          Type = "ADDITIONAL_ITEMS_EXTENDED"
	AdditionalItemsNarrowed                          Type = "ADDITIONAL_ITEMS_NARROWED"
	UnevaluatedItemsAdded                            Type = "UNEVALUATED_ITEMS_ADDED"
	UnevaluatedItemsRemoved                          Type = "UNEVALUATED_ITEMS_REMOVED"
	UnevaluatedItemsExtended                         Type = "UNEVALUATED_ITEMS_EXTENDED"
	UnevaluatedItemsNarrowed                         Type = "UNEVALUATED_ITEMS_NARROWED"
	ItemAddedToOpenContentModel                      Type = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemWithEmptySchemaAddedToOpenContentModel       Type = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	ItemAddedToClosedContentModel                    Type = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
	ItemRemovedFromOpenContentModel                  Type = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"
	ItemWithFalseRemovedFromClosedContentModel       Type = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedFromClosedContentModel                Type = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	ItemRemovedIsCoveredByPartiallyOpenContentModel  Type = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemRemovedNotCoveredByPartiallyOpenContentModel Type = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedIsCoveredByPartiallyOpenContentModel    Type = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	ItemAddedNotCoveredByPartiallyOpenContentModel   Type = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"

	EnumArrayExtended Type = "ENUM_ARRAY_EXTENDED"
	EnumArrayNarrowed Type = "ENUM_ARRAY_NARROWED"
	EnumArrayChanged  Type = "ENUM_ARRAY_CHANGED"

	CombinedTypeExtended          Type = "COMBINED_TYPE_EXTENDED"
	CombinedTypeChanged           Type = "COMBINED_TYPE_CHANGED"
	ProductTypeExtended           Type = "PRODUCT_TYPE_EXTENDED"
	ProductTypeNarrowed           Type = "PRODUCT_TYPE_NARROWED"
	SumTypeExtended               Type = "SUM_TYPE_EXTENDED"
	SumTypeNarrowed               Type = "SUM_TYPE_NARROWED"
	CombinedTypeSubschemasChanged Type = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	NotTypeExtended               Type = "NOT_TYPE_EXTENDED"
	NotTypeNarrowed               Type = "NOT_TYPE_NARROWED"
)

// Policy chooses the set of difference types that count as compatible.
type Policy int

const (
	// Strict is Confluent's default policy (a subject without
	// compatibilityPolicy, or with STRICT).
	Strict Policy = iota
	// Lenient also accepts changes to open and closed content models that
	// Strict refuses: see lenientOnly.
	Lenient
)

// String returns STRICT or LENIENT.
func (p Policy) String() string {
	if p == Lenient {
		return "LENIENT"
	}
	return "STRICT"
}

// strictCompatible is Confluent's COMPATIBLE_CHANGES_STRICT (65 types).
var strictCompatible = []Type{
	IDChanged, DescriptionChanged, TitleChanged, DefaultChanged, SchemaRemoved, TypeExtended,
	MaxLengthIncreased, MaxLengthRemoved, MinLengthDecreased, MinLengthRemoved, PatternRemoved,
	MaximumIncreased, MaximumRemoved, MinimumDecreased, MinimumRemoved,
	ExclusiveMaximumIncreased, ExclusiveMaximumRemoved, ExclusiveMinimumDecreased, ExclusiveMinimumRemoved,
	MultipleOfReduced, MultipleOfRemoved,
	RequiredAttributeWithDefaultAdded, RequiredAttributeRemoved,
	DependencyArrayNarrowed, DependencyArrayRemoved, DependencySchemaRemoved,
	MaxPropertiesIncreased, MaxPropertiesRemoved, MinPropertiesDecreased, MinPropertiesRemoved,
	AdditionalPropertiesAdded, AdditionalPropertiesExtended,
	UnevaluatedPropertiesAdded, UnevaluatedPropertiesExtended,
	PropertyWithEmptySchemaAddedToOpenContentModel,
	RequiredPropertyWithDefaultAddedToUnopenContentModel,
	OptionalPropertyAddedToUnopenContentModel,
	PropertyWithFalseRemovedFromClosedContentModel,
	PropertyRemovedFromOpenContentModel,
	PropertyAddedIsCoveredByPartiallyOpenContentModel,
	PropertyRemovedIsCoveredByPartiallyOpenContentModel,
	MaxItemsIncreased, MaxItemsRemoved, MinItemsDecreased, MinItemsRemoved,
	MaxContainsIncreased, MaxContainsRemoved, MinContainsDecreased, MinContainsRemoved,
	UniqueItemsRemoved, AdditionalItemsAdded, AdditionalItemsExtended,
	UnevaluatedItemsAdded, UnevaluatedItemsExtended,
	ItemWithEmptySchemaAddedToOpenContentModel, ItemAddedToClosedContentModel,
	ItemWithFalseRemovedFromClosedContentModel, ItemRemovedFromOpenContentModel,
	ItemAddedIsCoveredByPartiallyOpenContentModel, ItemRemovedIsCoveredByPartiallyOpenContentModel,
	EnumArrayExtended,
	CombinedTypeExtended, ProductTypeNarrowed, SumTypeExtended, NotTypeNarrowed,
}

// lenientOnly are the types COMPATIBLE_CHANGES_LENIENT adds to the strict set.
var lenientOnly = []Type{
	AdditionalPropertiesNarrowed, AdditionalPropertiesRemoved,
	UnevaluatedPropertiesNarrowed, UnevaluatedPropertiesRemoved,
	RequiredPropertyWithDefaultAddedToOpenContentModel,
	OptionalPropertyAddedToOpenContentModel,
	PropertyRemovedFromClosedContentModel,
	PropertyAddedNotCoveredByPartiallyOpenContentModel,
	PropertyRemovedNotCoveredByPartiallyOpenContentModel,
}

var compatibleSets = func() [2]map[Type]bool {
	var sets [2]map[Type]bool
	sets[Strict] = map[Type]bool{}
	for _, t := range strictCompatible {
		sets[Strict][t] = true
	}
	sets[Lenient] = map[Type]bool{}
	for t := range sets[Strict] {
		sets[Lenient][t] = true
	}
	for _, t := range lenientOnly {
		sets[Lenient][t] = true
	}
	return sets
}()

// Compatible reports whether a difference of type t keeps data readable
// under policy p.
func (p Policy) Compatible(t Type) bool {
	if p != Lenient {
		p = Strict
	}
	return compatibleSets[p][t]
}
