package dev.lockplane.cli;

import dev.lockplane.plan.RiskClass;
import dev.lockplane.safety.SafetyLevel;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Enum values written in lower case ({@code strict}, {@code multi-phase}), with the accepted ones in the error. */
abstract class LowercaseEnum<E extends Enum<E>> implements ITypeConverter<E> {
  private final Class<E> type;

  LowercaseEnum(Class<E> type) {
    this.type = type;
  }

  @Override
  public E convert(String value) {
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new TypeConversionException("'" + value + "' is not one of " + names(type));
  }

  static String names(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  /** {@code --safety}. */
  static final class Safety extends LowercaseEnum<SafetyLevel> {
    Safety() {
      super(SafetyLevel.class);
    }
  }

  /** {@code --max-risk}. */
  static final class Risk extends LowercaseEnum<RiskClass> {
    Risk() {
      super(RiskClass.class);
    }
  }
}
