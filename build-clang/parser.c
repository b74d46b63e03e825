/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1





# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "parser.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_NUM = 3,                        /* "number"  */
  YYSYMBOL_NAME = 4,                       /* "name"  */
  YYSYMBOL_STRING = 5,                     /* "string"  */
  YYSYMBOL_NL = 6,                         /* "end of line"  */
  YYSYMBOL_ARROW = 7,                      /* "'->'"  */
  YYSYMBOL_EQ = 8,                         /* "'=='"  */
  YYSYMBOL_NE = 9,                         /* "'!='"  */
  YYSYMBOL_LE = 10,                        /* "'<='"  */
  YYSYMBOL_GE = 11,                        /* "'>='"  */
  YYSYMBOL_PLUSEQ = 12,                    /* "'+='"  */
  YYSYMBOL_MINUSEQ = 13,                   /* "'-='"  */
  YYSYMBOL_TIMESEQ = 14,                   /* "'*='"  */
  YYSYMBOL_DIVEQ = 15,                     /* "'/='"  */
  YYSYMBOL_DATA = 16,                      /* "'data'"  */
  YYSYMBOL_MODEL = 17,                     /* "'model'"  */
  YYSYMBOL_INPUT = 18,                     /* "'input'"  */
  YYSYMBOL_INIT = 19,                      /* "'init'"  */
  YYSYMBOL_LOSS = 20,                      /* "'loss'"  */
  YYSYMBOL_OPTIMIZER = 21,                 /* "'optimizer'"  */
  YYSYMBOL_SEED = 22,                      /* "'seed'"  */
  YYSYMBOL_PRECISION = 23,                 /* "'precision'"  */
  YYSYMBOL_TRAIN = 24,                     /* "'train'"  */
  YYSYMBOL_BACKWARD = 25,                  /* "'backward'"  */
  YYSYMBOL_EVALUATE = 26,                  /* "'evaluate'"  */
  YYSYMBOL_ON = 27,                        /* "'on'"  */
  YYSYMBOL_PRINT = 28,                     /* "'print'"  */
  YYSYMBOL_GRAD = 29,                      /* "'grad'"  */
  YYSYMBOL_DEF = 30,                       /* "'def'"  */
  YYSYMBOL_LAYER = 31,                     /* "'layer'"  */
  YYSYMBOL_PARAM = 32,                     /* "'param'"  */
  YYSYMBOL_FORWARD = 33,                   /* "'forward'"  */
  YYSYMBOL_STATE = 34,                     /* "'state'"  */
  YYSYMBOL_IF = 35,                        /* "'if'"  */
  YYSYMBOL_ELSE = 36,                      /* "'else'"  */
  YYSYMBOL_TRUE = 37,                      /* "'true'"  */
  YYSYMBOL_FALSE = 38,                     /* "'false'"  */
  YYSYMBOL_WITH = 39,                      /* "'with'"  */
  YYSYMBOL_BAD = 40,                       /* "invalid token"  */
  YYSYMBOL_41_ = 41,                       /* '<'  */
  YYSYMBOL_42_ = 42,                       /* '>'  */
  YYSYMBOL_43_ = 43,                       /* '+'  */
  YYSYMBOL_44_ = 44,                       /* '-'  */
  YYSYMBOL_45_ = 45,                       /* '*'  */
  YYSYMBOL_46_ = 46,                       /* '/'  */
  YYSYMBOL_47_ = 47,                       /* '@'  */
  YYSYMBOL_UMINUS = 48,                    /* UMINUS  */
  YYSYMBOL_49_ = 49,                       /* '^'  */
  YYSYMBOL_50_ = 50,                       /* '{'  */
  YYSYMBOL_51_ = 51,                       /* '}'  */
  YYSYMBOL_52_ = 52,                       /* '='  */
  YYSYMBOL_53_ = 53,                       /* '('  */
  YYSYMBOL_54_ = 54,                       /* ')'  */
  YYSYMBOL_55_ = 55,                       /* '['  */
  YYSYMBOL_56_ = 56,                       /* ']'  */
  YYSYMBOL_57_ = 57,                       /* ':'  */
  YYSYMBOL_58_ = 58,                       /* ','  */
  YYSYMBOL_59_ = 59,                       /* '.'  */
  YYSYMBOL_60_ = 60,                       /* '\''  */
  YYSYMBOL_YYACCEPT = 61,                  /* $accept  */
  YYSYMBOL_program = 62,                   /* program  */
  YYSYMBOL_lines = 63,                     /* lines  */
  YYSYMBOL_block = 64,                     /* block  */
  YYSYMBOL_stmt = 65,                      /* stmt  */
  YYSYMBOL_else_part = 66,                 /* else_part  */
  YYSYMBOL_callee = 67,                    /* callee  */
  YYSYMBOL_opts = 68,                      /* opts  */
  YYSYMBOL_data_lines = 69,                /* data_lines  */
  YYSYMBOL_model_lines = 70,               /* model_lines  */
  YYSYMBOL_layer_args = 71,                /* layer_args  */
  YYSYMBOL_layer_arg = 72,                 /* layer_arg  */
  YYSYMBOL_kwargs = 73,                    /* kwargs  */
  YYSYMBOL_kwarg = 74,                     /* kwarg  */
  YYSYMBOL_exprs = 75,                     /* exprs  */
  YYSYMBOL_expr = 76,                      /* expr  */
  YYSYMBOL_postfix = 77,                   /* postfix  */
  YYSYMBOL_primary = 78,                   /* primary  */
  YYSYMBOL_elems = 79,                     /* elems  */
  YYSYMBOL_args = 80,                      /* args  */
  YYSYMBOL_arglist = 81,                   /* arglist  */
  YYSYMBOL_arg = 82                        /* arg  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 15 "grammar/nnl.y"

#include "lexer.h"
#define LOC(l) ((SrcLoc){ ctx->file, (l).first_line, (l).first_column })
#define NEW(kind, l) node_new(ctx->ar, kind, LOC(l))
static void yyerror(YYLTYPE *l, void *scanner, ParseCtx *ctx, const char *msg);
static Node *binary(ParseCtx *ctx, YYLTYPE l, int op, Node *a, Node *b) {
    Node *n = node_new(ctx->ar, N_BINARY, LOC(l));
    n->op = op; n->a = a; n->b = b;
    return n;
}
static Node *with_kids(Node *n, NodeList l) { n->kids = l; return n; }

#line 199 "build-clang/parser.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_uint8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_USE_ALLOCA
#  if YYSTACK_USE_ALLOCA
#   ifdef __GNUC__
#    define YYSTACK_ALLOC __builtin_alloca
#   elif defined __BUILTIN_VA_ARG_INCR
#    include <alloca.h> /* INFRINGES ON USER NAME SPACE */
#   elif defined _AIX
#    define YYSTACK_ALLOC __alloca
#   elif defined _MSC_VER
#    include <malloc.h> /* INFRINGES ON USER NAME SPACE */
#    define alloca _alloca
#   else
#    define YYSTACK_ALLOC alloca
#    if ! defined _ALLOCA_H && ! defined EXIT_SUCCESS
#     include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
      /* Use EXIT_SUCCESS as a witness for stdlib.h.  */
#     ifndef EXIT_SUCCESS
#      define EXIT_SUCCESS 0
#     endif
#    endif
#   endif
#  endif
# endif

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL \
             && defined YYSTYPE_IS_TRIVIAL && YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  3
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   390

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  61
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  22
/* YYNRULES -- Number of rules.  */
#define YYNRULES  102
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  212

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   296


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,    60,
      53,    54,    45,    43,    58,    44,    59,    46,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    57,     2,
      41,    52,    42,     2,    47,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    55,     2,    56,    49,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    50,     2,    51,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    24,
      25,    26,    27,    28,    29,    30,    31,    32,    33,    34,
      35,    36,    37,    38,    39,    40,    48
};

#if YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_uint8 yyrline[] =
{
       0,    52,    52,    55,    56,    57,    60,    63,    64,    65,
      66,    67,    68,    69,    70,    71,    72,    73,    74,    75,
      76,    78,    79,    80,    81,    82,    83,    85,    87,    89,
      90,    92,    93,    96,    97,    98,   103,   104,   108,   109,
     113,   114,   115,   120,   121,   122,   124,   127,   130,   133,
     138,   139,   142,   143,   144,   145,   146,   147,   148,   149,
     150,   154,   155,   157,   160,   161,   164,   165,   166,   167,
     168,   169,   170,   171,   172,   173,   174,   175,   176,   177,
     178,   181,   182,   183,   184,   187,   190,   191,   192,   193,
     194,   195,   196,   197,   200,   201,   202,   205,   206,   208,
     209,   211,   212
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "number", "name", "string",
  "end of line", "'->'", "'=='", "'!='", "'<='", "'>='", "'+='", "'-='",
  "'*='", "'/='", "'data'", "'model'", "'input'", "'init'", "'loss'",
  "'optimizer'", "'seed'", "'precision'", "'train'", "'backward'",
  "'evaluate'", "'on'", "'print'", "'grad'", "'def'", "'layer'", "'param'",
  "'forward'", "'state'", "'if'", "'else'", "'true'", "'false'", "'with'",
  "invalid token", "'<'", "'>'", "'+'", "'-'", "'*'", "'/'", "'@'",
  "UMINUS", "'^'", "'{'", "'}'", "'='", "'('", "')'", "'['", "']'", "':'",
  "','", "'.'", "'\\''", "$accept", "program", "lines", "block", "stmt",
  "else_part", "callee", "opts", "data_lines", "model_lines", "layer_args",
  "layer_arg", "kwargs", "kwarg", "exprs", "expr", "postfix", "primary",
  "elems", "args", "arglist", "arg", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-186)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-1)

#define yytable_value_is_error(Yyn) \
  ((Yyn) == YYTABLE_NINF)

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
    -186,     2,   171,  -186,  -186,   133,  -186,  -186,    20,    40,
      56,    56,    62,   125,    78,    82,    99,   112,   125,   125,
     130,   134,   137,    90,   149,   125,  -186,  -186,   125,   125,
       1,   162,   299,   -38,  -186,   125,   125,   125,   125,   125,
     122,   129,   128,  -186,  -186,   131,  -186,  -186,   299,  -186,
     155,   180,   187,   299,   140,   163,   164,   143,   214,   167,
     165,  -186,   283,   140,   257,  -186,   299,     5,  -186,   125,
     125,   125,   125,   125,   125,   125,   125,   125,   125,   125,
     125,   217,   156,  -186,   299,   299,   299,   299,   299,  -186,
    -186,   217,   217,   221,   230,   231,   217,   217,   125,   183,
     125,   149,  -186,   202,  -186,  -186,   125,   341,   341,   341,
     341,   341,   341,    42,    42,   140,   140,   140,   140,   167,
    -186,   299,   185,   182,  -186,  -186,  -186,   207,    14,   188,
     189,  -186,  -186,  -186,   193,   194,    41,   299,   191,   299,
    -186,    89,   -10,  -186,   299,  -186,   217,  -186,  -186,   327,
     192,  -186,   125,  -186,  -186,   191,   246,    50,   191,   233,
     125,  -186,  -186,   125,  -186,  -186,   125,   249,     4,    23,
    -186,   226,   125,  -186,  -186,   125,   299,   283,   274,  -186,
    -186,   114,  -186,  -186,  -186,  -186,   149,   253,   125,  -186,
    -186,  -186,   -38,   299,   299,   202,  -186,    46,     9,    49,
    -186,    79,  -186,  -186,   149,   254,   -38,  -186,  -186,    73,
    -186,  -186
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       3,     0,     2,     1,    86,    90,    87,     4,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,    88,    89,     0,     0,
       0,     0,     7,    66,    81,     0,     0,     0,     0,     0,
       0,     0,    36,    17,    18,    36,    19,    90,    21,    22,
       0,     0,     0,    14,    80,     0,     0,     0,     0,     0,
      32,    61,     0,    79,     0,    93,    94,     0,     5,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,    97,     0,    85,     9,    10,    11,    12,     8,    40,
      43,    97,    97,     0,     0,     0,    97,    97,     0,     0,
       0,     0,     3,    33,    91,    92,    96,    73,    74,    76,
      78,    75,    77,    67,    68,    69,    70,    71,    72,    90,
     102,   101,     0,    98,    99,    84,    83,     0,     0,     0,
       0,    38,    24,    25,     0,     0,     0,    64,     0,    63,
      62,     0,     0,    13,    95,    82,     0,    41,    15,     0,
      50,    44,     0,    16,    37,    37,    23,     0,     0,    29,
       0,    31,     6,     0,    34,   100,     0,     0,     0,     0,
      20,     0,     0,    27,    28,     0,    65,     0,     0,    50,
      52,    36,    54,    46,    55,    56,     0,     0,     0,    58,
      51,    45,    39,    26,    30,    33,    42,     0,     0,     0,
      53,     0,    35,    48,     0,     0,    59,    47,    57,     0,
      60,    49
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
    -186,  -186,   157,    -6,  -186,    74,   145,  -186,  -186,  -186,
      92,  -186,  -185,   -21,   121,    -2,  -140,  -186,    86,   136,
    -186,   132
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_uint8 yydefgoto[] =
{
       0,     1,     2,   103,    31,   143,   189,   156,   127,   128,
     168,   190,    60,   120,   136,   121,    33,    34,    67,   122,
     123,   124
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      32,   199,     3,    61,     4,    47,     6,   180,   181,   182,
     183,    48,     4,    47,     6,    81,    53,    54,   150,   209,
     151,    82,    83,    62,    40,   163,    63,    64,    66,   191,
      19,   192,   152,    84,    85,    86,    87,    88,    26,    27,
     102,   184,   185,   186,    41,    28,    26,    27,   187,   180,
     181,   182,   203,   205,    29,   207,    30,    65,   206,   188,
      42,   105,    29,   106,    30,   153,    45,   107,   108,   109,
     110,   111,   112,   113,   114,   115,   116,   117,   118,   211,
     140,   160,    49,   184,   185,   204,    50,    77,    78,    79,
     187,    80,     4,     5,     6,     7,   137,   159,   139,   160,
     102,   188,   172,    51,   144,     8,     9,   101,    10,    11,
      12,    13,    14,    15,    16,    17,    52,    18,    19,    20,
      21,    22,    23,    24,    25,   149,    26,    27,     4,    47,
       6,   101,   161,    28,    55,   208,   164,   106,    56,    32,
     162,    57,    29,    58,    30,    35,    36,    37,    38,   170,
     137,   173,   174,    59,    19,    43,    44,    46,   176,   125,
     126,   177,    26,    27,   178,    61,   198,    91,    68,    28,
     193,   195,    89,   194,     4,     5,     6,     7,    29,    90,
      30,    91,    93,    61,    92,    39,    66,     8,     9,    80,
      10,    11,    12,    13,    14,    15,    16,    17,    98,    18,
      19,    20,    21,    22,    23,    24,    25,    94,    26,    27,
       4,    47,     6,   147,    95,    28,    96,    97,    99,   100,
       4,   119,     6,   101,    29,   131,    30,   129,   130,     4,
      47,     6,   134,   135,   132,   133,    19,   138,   142,   145,
     146,   102,   154,   155,    26,    27,    19,   157,   158,   167,
     171,    28,   175,   179,    26,    27,   200,   210,   148,   141,
      29,    28,    30,    26,    27,    69,    70,    71,    72,   202,
      29,   197,    30,   169,   201,     0,     0,     0,   165,    29,
     196,    30,    69,    70,    71,    72,     0,     0,     0,     0,
       0,    69,    70,    71,    72,     0,     0,     0,    73,    74,
      75,    76,    77,    78,    79,     0,    80,    69,    70,    71,
      72,   104,     0,     0,     0,    73,    74,    75,    76,    77,
      78,    79,     0,    80,    73,    74,    75,    76,    77,    78,
      79,     0,    80,   102,   166,    69,    70,    71,    72,     0,
      73,    74,    75,    76,    77,    78,    79,     0,    80,    -1,
      -1,    -1,    -1,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,    73,    74,
      75,    76,    77,    78,    79,     0,    80,     0,     0,     0,
       0,     0,    -1,    -1,    75,    76,    77,    78,    79,     0,
      80
};

static const yytype_int16 yycheck[] =
{
       2,   186,     0,    24,     3,     4,     5,     3,     4,     5,
       6,    13,     3,     4,     5,    53,    18,    19,     4,   204,
       6,    59,    60,    25,     4,    35,    28,    29,    30,     6,
      29,   171,    18,    35,    36,    37,    38,    39,    37,    38,
      50,    37,    38,    39,     4,    44,    37,    38,    44,     3,
       4,     5,     6,    44,    53,     6,    55,    56,   198,    55,
       4,    56,    53,    58,    55,    51,     4,    69,    70,    71,
      72,    73,    74,    75,    76,    77,    78,    79,    80,     6,
     101,    58,     4,    37,    38,    39,     4,    45,    46,    47,
      44,    49,     3,     4,     5,     6,    98,    56,   100,    58,
      50,    55,    52,     4,   106,    16,    17,    58,    19,    20,
      21,    22,    23,    24,    25,    26,     4,    28,    29,    30,
      31,    32,    33,    34,    35,   127,    37,    38,     3,     4,
       5,    58,   138,    44,     4,    56,   142,    58,     4,   141,
      51,     4,    53,    53,    55,    12,    13,    14,    15,   155,
     152,   157,   158,     4,    29,    10,    11,    12,   160,     3,
       4,   163,    37,    38,   166,   186,    52,    53,     6,    44,
     172,   177,    50,   175,     3,     4,     5,     6,    53,    50,
      55,    53,    27,   204,    53,    52,   188,    16,    17,    49,
      19,    20,    21,    22,    23,    24,    25,    26,    55,    28,
      29,    30,    31,    32,    33,    34,    35,    27,    37,    38,
       3,     4,     5,     6,    27,    44,    53,    53,     4,    52,
       3,     4,     5,    58,    53,     4,    55,    91,    92,     3,
       4,     5,    96,    97,     4,     4,    29,    54,    36,    54,
      58,    50,    54,    54,    37,    38,    29,    54,    54,    57,
       4,    44,    19,     4,    37,    38,     3,     3,    51,   102,
      53,    44,    55,    37,    38,     8,     9,    10,    11,   195,
      53,   179,    55,   152,   188,    -1,    -1,    -1,   146,    53,
       6,    55,     8,     9,    10,    11,    -1,    -1,    -1,    -1,
      -1,     8,     9,    10,    11,    -1,    -1,    -1,    41,    42,
      43,    44,    45,    46,    47,    -1,    49,     8,     9,    10,
      11,    54,    -1,    -1,    -1,    41,    42,    43,    44,    45,
      46,    47,    -1,    49,    41,    42,    43,    44,    45,    46,
      47,    -1,    49,    50,     7,     8,     9,    10,    11,    -1,
      41,    42,    43,    44,    45,    46,    47,    -1,    49,     8,
       9,    10,    11,    -1,    -1,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    41,    42,
      43,    44,    45,    46,    47,    -1,    49,    -1,    -1,    -1,
      -1,    -1,    41,    42,    43,    44,    45,    46,    47,    -1,
      49
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    62,    63,     0,     3,     4,     5,     6,    16,    17,
      19,    20,    21,    22,    23,    24,    25,    26,    28,    29,
      30,    31,    32,    33,    34,    35,    37,    38,    44,    53,
      55,    65,    76,    77,    78,    12,    13,    14,    15,    52,
       4,     4,     4,    67,    67,     4,    67,     4,    76,     4,
       4,     4,     4,    76,    76,     4,     4,     4,    53,     4,
      73,    74,    76,    76,    76,    56,    76,    79,     6,     8,
       9,    10,    11,    41,    42,    43,    44,    45,    46,    47,
      49,    53,    59,    60,    76,    76,    76,    76,    76,    50,
      50,    53,    53,    27,    27,    27,    53,    53,    55,     4,
      52,    58,    50,    64,    54,    56,    58,    76,    76,    76,
      76,    76,    76,    76,    76,    76,    76,    76,    76,     4,
      74,    76,    80,    81,    82,     3,     4,    69,    70,    80,
      80,     4,     4,     4,    80,    80,    75,    76,    54,    76,
      74,    63,    36,    66,    76,    54,    58,     6,    51,    76,
       4,     6,    18,    51,    54,    54,    68,    54,    54,    56,
      58,    64,    51,    35,    64,    82,     7,    57,    71,    75,
      64,     4,    52,    64,    64,    19,    76,    76,    76,     4,
       3,     4,     5,     6,    37,    38,    39,    44,    55,    67,
      72,     6,    77,    76,    76,    64,     6,    71,    52,    73,
       3,    79,    66,     6,    39,    44,    77,     6,    56,    73,
       3,     6
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    61,    62,    63,    63,    63,    64,    65,    65,    65,
      65,    65,    65,    65,    65,    65,    65,    65,    65,    65,
      65,    65,    65,    65,    65,    65,    65,    65,    65,    65,
      65,    65,    65,    66,    66,    66,    67,    67,    68,    68,
      69,    69,    69,    70,    70,    70,    70,    70,    70,    70,
      71,    71,    72,    72,    72,    72,    72,    72,    72,    72,
      72,    73,    73,    74,    75,    75,    76,    76,    76,    76,
      76,    76,    76,    76,    76,    76,    76,    76,    76,    76,
      76,    77,    77,    77,    77,    77,    78,    78,    78,    78,
      78,    78,    78,    78,    79,    79,    79,    80,    80,    81,
      81,    82,    82
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     1,     0,     2,     3,     3,     1,     3,     3,
       3,     3,     3,     4,     2,     5,     5,     2,     2,     2,
       6,     2,     2,     5,     4,     4,     7,     6,     6,     5,
       7,     5,     2,     0,     2,     5,     1,     4,     0,     3,
       0,     2,     5,     0,     2,     4,     4,     6,     6,     8,
       0,     2,     1,     2,     1,     1,     1,     3,     1,     3,
       4,     1,     3,     3,     1,     3,     1,     3,     3,     3,
       3,     3,     3,     3,     3,     3,     3,     3,     3,     2,
       2,     1,     4,     3,     3,     2,     1,     1,     1,     1,
       1,     3,     3,     2,     1,     3,     2,     0,     1,     1,
       3,     1,     1
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, scanner, ctx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use YYerror or YYUNDEF. */
#define YYERRCODE YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, scanner, ctx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, void *scanner, struct ParseCtx *ctx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (ctx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, void *scanner, struct ParseCtx *ctx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, scanner, ctx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, void *scanner, struct ParseCtx *ctx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), scanner, ctx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, scanner, ctx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  int yyn = yypact[+*yyctx->yyssp];
  if (!yypact_value_is_default (yyn))
    {
      /* Start YYX at -YYN if negative to avoid negative indexes in
         YYCHECK.  In other words, skip the first -YYN actions for
         this state because they are default actions.  */
      int yyxbegin = yyn < 0 ? -yyn : 0;
      /* Stay within bounds of both yycheck and yytname.  */
      int yychecklim = YYLAST - yyn + 1;
      int yyxend = yychecklim < YYNTOKENS ? yychecklim : YYNTOKENS;
      int yyx;
      for (yyx = yyxbegin; yyx < yyxend; ++yyx)
        if (yycheck[yyx + yyn] == yyx && yyx != YYSYMBOL_YYerror
            && !yytable_value_is_error (yytable[yyx + yyn]))
          {
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = YY_CAST (yysymbol_kind_t, yyx);
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




#ifndef yystrlen
# if defined __GLIBC__ && defined _STRING_H
#  define yystrlen(S) (YY_CAST (YYPTRDIFF_T, strlen (S)))
# else
/* Return the length of YYSTR.  */
static YYPTRDIFF_T
yystrlen (const char *yystr)
{
  YYPTRDIFF_T yylen;
  for (yylen = 0; yystr[yylen]; yylen++)
    continue;
  return yylen;
}
# endif
#endif

#ifndef yystpcpy
# if defined __GLIBC__ && defined _STRING_H && defined _GNU_SOURCE
#  define yystpcpy stpcpy
# else
/* Copy YYSRC to YYDEST, returning the address of the terminating '\0' in
   YYDEST.  */
static char *
yystpcpy (char *yydest, const char *yysrc)
{
  char *yyd = yydest;
  const char *yys = yysrc;

  while ((*yyd++ = *yys++) != '\0')
    continue;

  return yyd - 1;
}
# endif
#endif



static int
yy_syntax_error_arguments (const yypcontext_t *yyctx,
                           yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  /* There are many possibilities here to consider:
     - If this state is a consistent state with a default action, then
       the only way this function was invoked is if the default action
       is an error action.  In that case, don't check for expected
       tokens because there are none.
     - The only way there can be no lookahead present (in yychar) is if
       this state is a consistent state with a default action.  Thus,
       detecting the absence of a lookahead is sufficient to determine
       that there is no unexpected or expected token to report.  In that
       case, just report a simple "syntax error".
     - Don't assume there isn't a lookahead just because this state is a
       consistent state with a default action.  There might have been a
       previous inconsistent state, consistent state with a non-default
       action, or user semantic action that manipulated yychar.
     - Of course, the expected token list depends on states to have
       correct lookahead information, and it depends on the parser not
       to perform extra reductions after fetching a lookahead from the
       scanner and before detecting a syntax error.  Thus, state merging
       (from LALR or IELR) and default reductions corrupt the expected
       token list.  However, the list is correct for canonical LR with
       one exception: it will still contain any token that will not be
       accepted due to an error action in a later state.
  */
  if (yyctx->yytoken != YYSYMBOL_YYEMPTY)
    {
      int yyn;
      if (yyarg)
        yyarg[yycount] = yyctx->yytoken;
      ++yycount;
      yyn = yypcontext_expected_tokens (yyctx,
                                        yyarg ? yyarg + 1 : yyarg, yyargn - 1);
      if (yyn == YYENOMEM)
        return YYENOMEM;
      else
        yycount += yyn;
    }
  return yycount;
}

/* Copy into *YYMSG, which is of size *YYMSG_ALLOC, an error message
   about the unexpected token YYTOKEN for the state stack whose top is
   YYSSP.

   Return 0 if *YYMSG was successfully written.  Return -1 if *YYMSG is
   not large enough to hold the message.  In that case, also set
   *YYMSG_ALLOC to the required number of bytes.  Return YYENOMEM if the
   required number of bytes is too large to store.  */
static int
yysyntax_error (YYPTRDIFF_T *yymsg_alloc, char **yymsg,
                const yypcontext_t *yyctx)
{
  enum { YYARGS_MAX = 5 };
  /* Internationalized format string. */
  const char *yyformat = YY_NULLPTR;
  /* Arguments of yyformat: reported tokens (one for the "unexpected",
     one per "expected"). */
  yysymbol_kind_t yyarg[YYARGS_MAX];
  /* Cumulated lengths of YYARG.  */
  YYPTRDIFF_T yysize = 0;

  /* Actual size of YYARG. */
  int yycount = yy_syntax_error_arguments (yyctx, yyarg, YYARGS_MAX);
  if (yycount == YYENOMEM)
    return YYENOMEM;

  switch (yycount)
    {
#define YYCASE_(N, S)                       \
      case N:                               \
        yyformat = S;                       \
        break
    default: /* Avoid compiler warnings. */
      YYCASE_(0, YY_("syntax error"));
      YYCASE_(1, YY_("syntax error, unexpected %s"));
      YYCASE_(2, YY_("syntax error, unexpected %s, expecting %s"));
      YYCASE_(3, YY_("syntax error, unexpected %s, expecting %s or %s"));
      YYCASE_(4, YY_("syntax error, unexpected %s, expecting %s or %s or %s"));
      YYCASE_(5, YY_("syntax error, unexpected %s, expecting %s or %s or %s or %s"));
#undef YYCASE_
    }

  /* Compute error message size.  Don't count the "%s"s, but reserve
     room for the terminator.  */
  yysize = yystrlen (yyformat) - 2 * yycount + 1;
  {
    int yyi;
    for (yyi = 0; yyi < yycount; ++yyi)
      {
        YYPTRDIFF_T yysize1
          = yysize + yystrlen (yysymbol_name (yyarg[yyi]));
        if (yysize <= yysize1 && yysize1 <= YYSTACK_ALLOC_MAXIMUM)
          yysize = yysize1;
        else
          return YYENOMEM;
      }
  }

  if (*yymsg_alloc < yysize)
    {
      *yymsg_alloc = 2 * yysize;
      if (! (yysize <= *yymsg_alloc
             && *yymsg_alloc <= YYSTACK_ALLOC_MAXIMUM))
        *yymsg_alloc = YYSTACK_ALLOC_MAXIMUM;
      return -1;
    }

  /* Avoid sprintf, as that infringes on the user's name space.
     Don't have undefined behavior even if the translation
     produced a string with the wrong number of "%s"s.  */
  {
    char *yyp = *yymsg;
    int yyi = 0;
    while ((*yyp = *yyformat) != '\0')
      if (*yyp == '%' && yyformat[1] == 's' && yyi < yycount)
        {
          yyp = yystpcpy (yyp, yysymbol_name (yyarg[yyi++]));
          yyformat += 2;
        }
      else
        {
          ++yyp;
          ++yyformat;
        }
  }
  return 0;
}


/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, void *scanner, struct ParseCtx *ctx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (ctx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (void *scanner, struct ParseCtx *ctx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];

  /* Buffer for error messages, and its allocated size.  */
  char yymsgbuf[128];
  char *yymsg = yymsgbuf;
  YYPTRDIFF_T yymsg_alloc = sizeof yymsgbuf;

#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = YYEMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, scanner);
    }

  if (yychar <= YYEOF)
    {
      yychar = YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    goto yydefault;
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = YYEMPTY;
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  switch (yyn)
    {
  case 2: /* program: lines  */
#line 52 "grammar/nnl.y"
                                { ctx->root = with_kids(NEW(N_BLOCK, (yyloc)), (yyvsp[0].list)); }
#line 1675 "build-clang/parser.c"
    break;

  case 3: /* lines: %empty  */
#line 55 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 1681 "build-clang/parser.c"
    break;

  case 4: /* lines: lines "end of line"  */
#line 56 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1687 "build-clang/parser.c"
    break;

  case 5: /* lines: lines stmt "end of line"  */
#line 57 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); list_push(ctx->ar, &(yyval.list), (yyvsp[-1].node)); }
#line 1693 "build-clang/parser.c"
    break;

  case 6: /* block: '{' lines '}'  */
#line 60 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_BLOCK, (yylsp[-2])), (yyvsp[-1].list)); }
#line 1699 "build-clang/parser.c"
    break;

  case 7: /* stmt: expr  */
#line 63 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_EXPR_STMT, (yylsp[0])); (yyval.node)->a = (yyvsp[0].node); }
#line 1705 "build-clang/parser.c"
    break;

  case 8: /* stmt: "name" '=' expr  */
#line 64 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_ASSIGN, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->op = '='; (yyval.node)->a = (yyvsp[0].node); }
#line 1711 "build-clang/parser.c"
    break;

  case 9: /* stmt: "name" "'+='" expr  */
#line 65 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_ASSIGN, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->op = '+'; (yyval.node)->a = (yyvsp[0].node); }
#line 1717 "build-clang/parser.c"
    break;

  case 10: /* stmt: "name" "'-='" expr  */
#line 66 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_ASSIGN, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->op = '-'; (yyval.node)->a = (yyvsp[0].node); }
#line 1723 "build-clang/parser.c"
    break;

  case 11: /* stmt: "name" "'*='" expr  */
#line 67 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_ASSIGN, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->op = '*'; (yyval.node)->a = (yyvsp[0].node); }
#line 1729 "build-clang/parser.c"
    break;

  case 12: /* stmt: "name" "'/='" expr  */
#line 68 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_ASSIGN, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->op = '/'; (yyval.node)->a = (yyvsp[0].node); }
#line 1735 "build-clang/parser.c"
    break;

  case 13: /* stmt: "'if'" expr block else_part  */
#line 69 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_IF, (yylsp[-3])); (yyval.node)->a = (yyvsp[-2].node); (yyval.node)->b = (yyvsp[-1].node); (yyval.node)->c = (yyvsp[0].node); }
#line 1741 "build-clang/parser.c"
    break;

  case 14: /* stmt: "'print'" expr  */
#line 70 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_PRINT, (yylsp[-1])); (yyval.node)->a = (yyvsp[0].node); }
#line 1747 "build-clang/parser.c"
    break;

  case 15: /* stmt: "'data'" "name" '{' data_lines '}'  */
#line 71 "grammar/nnl.y"
                                   { (yyval.node) = with_kids(NEW(N_DATA, (yylsp[-4])), (yyvsp[-1].list)); (yyval.node)->name = (yyvsp[-3].str); }
#line 1753 "build-clang/parser.c"
    break;

  case 16: /* stmt: "'model'" "name" '{' model_lines '}'  */
#line 72 "grammar/nnl.y"
                                     { (yyval.node) = with_kids(NEW(N_MODEL, (yylsp[-4])), (yyvsp[-1].list)); (yyval.node)->name = (yyvsp[-3].str); }
#line 1759 "build-clang/parser.c"
    break;

  case 17: /* stmt: "'init'" callee  */
#line 73 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_SETTING, (yylsp[-1])); (yyval.node)->op = SETTING_INIT; (yyval.node)->a = (yyvsp[0].node); }
#line 1765 "build-clang/parser.c"
    break;

  case 18: /* stmt: "'loss'" callee  */
#line 74 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_SETTING, (yylsp[-1])); (yyval.node)->op = SETTING_LOSS; (yyval.node)->a = (yyvsp[0].node); }
#line 1771 "build-clang/parser.c"
    break;

  case 19: /* stmt: "'optimizer'" callee  */
#line 75 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_SETTING, (yylsp[-1])); (yyval.node)->op = SETTING_OPTIMIZER; (yyval.node)->a = (yyvsp[0].node); }
#line 1777 "build-clang/parser.c"
    break;

  case 20: /* stmt: "'optimizer'" "name" '(' args ')' block  */
#line 77 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_OPTIMIZER_DEF, (yylsp[-5])), (yyvsp[-2].list)); (yyval.node)->name = (yyvsp[-4].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1783 "build-clang/parser.c"
    break;

  case 21: /* stmt: "'seed'" expr  */
#line 78 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_SEED, (yylsp[-1])); (yyval.node)->a = (yyvsp[0].node); }
#line 1789 "build-clang/parser.c"
    break;

  case 22: /* stmt: "'precision'" "name"  */
#line 79 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_PRECISION, (yylsp[-1])); (yyval.node)->name = (yyvsp[0].str); (yyval.node)->loc = LOC((yylsp[0])); }
#line 1795 "build-clang/parser.c"
    break;

  case 23: /* stmt: "'train'" "name" "'on'" "name" opts  */
#line 80 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_TRAIN, (yylsp[-4])), (yyvsp[0].list)); (yyval.node)->name = (yyvsp[-3].str); (yyval.node)->label = (yyvsp[-1].str); }
#line 1801 "build-clang/parser.c"
    break;

  case 24: /* stmt: "'backward'" "name" "'on'" "name"  */
#line 81 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_BACKWARD, (yylsp[-3])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->label = (yyvsp[0].str); }
#line 1807 "build-clang/parser.c"
    break;

  case 25: /* stmt: "'evaluate'" "name" "'on'" "name"  */
#line 82 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_EVALUATE, (yylsp[-3])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->label = (yyvsp[0].str); }
#line 1813 "build-clang/parser.c"
    break;

  case 26: /* stmt: "'def'" "name" '(' args ')' '=' expr  */
#line 84 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_DEF, (yylsp[-6])), (yyvsp[-3].list)); (yyval.node)->name = (yyvsp[-5].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1819 "build-clang/parser.c"
    break;

  case 27: /* stmt: "'def'" "name" '(' args ')' block  */
#line 86 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_DEF, (yylsp[-5])), (yyvsp[-2].list)); (yyval.node)->name = (yyvsp[-4].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1825 "build-clang/parser.c"
    break;

  case 28: /* stmt: "'layer'" "name" '(' args ')' block  */
#line 88 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_LAYER_DEF, (yylsp[-5])), (yyvsp[-2].list)); (yyval.node)->name = (yyvsp[-4].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1831 "build-clang/parser.c"
    break;

  case 29: /* stmt: "'param'" "name" '[' exprs ']'  */
#line 89 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_PARAM, (yylsp[-4])), (yyvsp[-1].list)); (yyval.node)->name = (yyvsp[-3].str); }
#line 1837 "build-clang/parser.c"
    break;

  case 30: /* stmt: "'param'" "name" '[' exprs ']' "'init'" expr  */
#line 91 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_PARAM, (yylsp[-6])), (yyvsp[-3].list)); (yyval.node)->name = (yyvsp[-5].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1843 "build-clang/parser.c"
    break;

  case 31: /* stmt: "'forward'" '(' "name" ')' block  */
#line 92 "grammar/nnl.y"
                                 { (yyval.node) = NEW(N_FORWARD, (yylsp[-4])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1849 "build-clang/parser.c"
    break;

  case 32: /* stmt: "'state'" kwargs  */
#line 93 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_STATE, (yylsp[-1])), (yyvsp[0].list)); }
#line 1855 "build-clang/parser.c"
    break;

  case 33: /* else_part: %empty  */
#line 96 "grammar/nnl.y"
                                { (yyval.node) = NULL; }
#line 1861 "build-clang/parser.c"
    break;

  case 34: /* else_part: "'else'" block  */
#line 97 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 1867 "build-clang/parser.c"
    break;

  case 35: /* else_part: "'else'" "'if'" expr block else_part  */
#line 99 "grammar/nnl.y"
                                { Node *n = NEW(N_IF, (yylsp[-3])); n->a = (yyvsp[-2].node); n->b = (yyvsp[-1].node); n->c = (yyvsp[0].node);
                                  (yyval.node) = NEW(N_BLOCK, (yylsp[-3])); list_push(ctx->ar, &(yyval.node)->kids, n); }
#line 1874 "build-clang/parser.c"
    break;

  case 36: /* callee: "name"  */
#line 103 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NAME, (yylsp[0])); (yyval.node)->name = (yyvsp[0].str); }
#line 1880 "build-clang/parser.c"
    break;

  case 37: /* callee: "name" '(' args ')'  */
#line 104 "grammar/nnl.y"
                                { Node *f = NEW(N_NAME, (yylsp[-3])); f->name = (yyvsp[-3].str);
                                  (yyval.node) = with_kids(NEW(N_CALL, (yylsp[-3])), (yyvsp[-1].list)); (yyval.node)->a = f; }
#line 1887 "build-clang/parser.c"
    break;

  case 38: /* opts: %empty  */
#line 108 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 1893 "build-clang/parser.c"
    break;

  case 39: /* opts: opts "name" postfix  */
#line 109 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); Node *k = NEW(N_KWARG, (yylsp[-1])); k->name = (yyvsp[-1].str); k->a = (yyvsp[0].node);
                                  list_push(ctx->ar, &(yyval.list), k); }
#line 1900 "build-clang/parser.c"
    break;

  case 40: /* data_lines: %empty  */
#line 113 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 1906 "build-clang/parser.c"
    break;

  case 41: /* data_lines: data_lines "end of line"  */
#line 114 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1912 "build-clang/parser.c"
    break;

  case 42: /* data_lines: data_lines expr "'->'" expr "end of line"  */
#line 116 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-4].list); Node *r = NEW(N_ROW, (yylsp[-3])); r->a = (yyvsp[-3].node); r->b = (yyvsp[-1].node);
                                  list_push(ctx->ar, &(yyval.list), r); }
#line 1919 "build-clang/parser.c"
    break;

  case 43: /* model_lines: %empty  */
#line 120 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 1925 "build-clang/parser.c"
    break;

  case 44: /* model_lines: model_lines "end of line"  */
#line 121 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1931 "build-clang/parser.c"
    break;

  case 45: /* model_lines: model_lines "'input'" exprs "end of line"  */
#line 123 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-3].list); list_push(ctx->ar, &(yyval.list), with_kids(NEW(N_INPUT, (yylsp[-2])), (yyvsp[-1].list))); }
#line 1937 "build-clang/parser.c"
    break;

  case 46: /* model_lines: model_lines "name" layer_args "end of line"  */
#line 125 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-3].list); Node *l = with_kids(NEW(N_LAYER_USE, (yylsp[-2])), (yyvsp[-1].list)); l->name = (yyvsp[-2].str);
                                  list_push(ctx->ar, &(yyval.list), l); }
#line 1944 "build-clang/parser.c"
    break;

  case 47: /* model_lines: model_lines "name" layer_args "'with'" kwargs "end of line"  */
#line 128 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-5].list); Node *l = with_kids(NEW(N_LAYER_USE, (yylsp[-4])), (yyvsp[-3].list)); l->name = (yyvsp[-4].str);
                                  l->more = (yyvsp[-1].list); list_push(ctx->ar, &(yyval.list), l); }
#line 1951 "build-clang/parser.c"
    break;

  case 48: /* model_lines: model_lines "name" ':' "name" layer_args "end of line"  */
#line 131 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-5].list); Node *l = with_kids(NEW(N_LAYER_USE, (yylsp[-2])), (yyvsp[-1].list)); l->name = (yyvsp[-2].str);
                                  l->label = (yyvsp[-4].str); list_push(ctx->ar, &(yyval.list), l); }
#line 1958 "build-clang/parser.c"
    break;

  case 49: /* model_lines: model_lines "name" ':' "name" layer_args "'with'" kwargs "end of line"  */
#line 134 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-7].list); Node *l = with_kids(NEW(N_LAYER_USE, (yylsp[-4])), (yyvsp[-3].list)); l->name = (yyvsp[-4].str);
                                  l->label = (yyvsp[-6].str); l->more = (yyvsp[-1].list); list_push(ctx->ar, &(yyval.list), l); }
#line 1965 "build-clang/parser.c"
    break;

  case 50: /* layer_args: %empty  */
#line 138 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 1971 "build-clang/parser.c"
    break;

  case 51: /* layer_args: layer_args layer_arg  */
#line 139 "grammar/nnl.y"
                                 { (yyval.list) = (yyvsp[-1].list); list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 1977 "build-clang/parser.c"
    break;

  case 52: /* layer_arg: "number"  */
#line 142 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NUM, (yylsp[0])); (yyval.node)->num = (yyvsp[0].num); }
#line 1983 "build-clang/parser.c"
    break;

  case 53: /* layer_arg: '-' "number"  */
#line 143 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NUM, (yylsp[-1])); (yyval.node)->num = -(yyvsp[0].num); }
#line 1989 "build-clang/parser.c"
    break;

  case 54: /* layer_arg: "string"  */
#line 144 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_STR, (yylsp[0])); (yyval.node)->name = (yyvsp[0].str); }
#line 1995 "build-clang/parser.c"
    break;

  case 55: /* layer_arg: "'true'"  */
#line 145 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_BOOL, (yylsp[0])); (yyval.node)->num = 1; }
#line 2001 "build-clang/parser.c"
    break;

  case 56: /* layer_arg: "'false'"  */
#line 146 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_BOOL, (yylsp[0])); (yyval.node)->num = 0; }
#line 2007 "build-clang/parser.c"
    break;

  case 57: /* layer_arg: '[' elems ']'  */
#line 147 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_LIST, (yylsp[-2])), (yyvsp[-1].list)); }
#line 2013 "build-clang/parser.c"
    break;

  case 58: /* layer_arg: callee  */
#line 148 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 2019 "build-clang/parser.c"
    break;

  case 59: /* layer_arg: "name" '=' postfix  */
#line 149 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_KWARG, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->a = (yyvsp[0].node); }
#line 2025 "build-clang/parser.c"
    break;

  case 60: /* layer_arg: "name" '=' '-' "number"  */
#line 150 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_KWARG, (yylsp[-3])); (yyval.node)->name = (yyvsp[-3].str);
                                  (yyval.node)->a = NEW(N_NUM, (yylsp[-1])); (yyval.node)->a->num = -(yyvsp[0].num); }
#line 2032 "build-clang/parser.c"
    break;

  case 61: /* kwargs: kwarg  */
#line 154 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2038 "build-clang/parser.c"
    break;

  case 62: /* kwargs: kwargs ',' kwarg  */
#line 155 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2044 "build-clang/parser.c"
    break;

  case 63: /* kwarg: "name" '=' expr  */
#line 157 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_KWARG, (yylsp[-2])); (yyval.node)->name = (yyvsp[-2].str); (yyval.node)->a = (yyvsp[0].node); }
#line 2050 "build-clang/parser.c"
    break;

  case 64: /* exprs: expr  */
#line 160 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2056 "build-clang/parser.c"
    break;

  case 65: /* exprs: exprs ',' expr  */
#line 161 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2062 "build-clang/parser.c"
    break;

  case 66: /* expr: postfix  */
#line 164 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 2068 "build-clang/parser.c"
    break;

  case 67: /* expr: expr '+' expr  */
#line 165 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '+', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2074 "build-clang/parser.c"
    break;

  case 68: /* expr: expr '-' expr  */
#line 166 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '-', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2080 "build-clang/parser.c"
    break;

  case 69: /* expr: expr '*' expr  */
#line 167 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '*', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2086 "build-clang/parser.c"
    break;

  case 70: /* expr: expr '/' expr  */
#line 168 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '/', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2092 "build-clang/parser.c"
    break;

  case 71: /* expr: expr '@' expr  */
#line 169 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '@', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2098 "build-clang/parser.c"
    break;

  case 72: /* expr: expr '^' expr  */
#line 170 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '^', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2104 "build-clang/parser.c"
    break;

  case 73: /* expr: expr "'=='" expr  */
#line 171 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), 'E', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2110 "build-clang/parser.c"
    break;

  case 74: /* expr: expr "'!='" expr  */
#line 172 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), 'N', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2116 "build-clang/parser.c"
    break;

  case 75: /* expr: expr '<' expr  */
#line 173 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '<', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2122 "build-clang/parser.c"
    break;

  case 76: /* expr: expr "'<='" expr  */
#line 174 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), 'L', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2128 "build-clang/parser.c"
    break;

  case 77: /* expr: expr '>' expr  */
#line 175 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), '>', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2134 "build-clang/parser.c"
    break;

  case 78: /* expr: expr "'>='" expr  */
#line 176 "grammar/nnl.y"
                                { (yyval.node) = binary(ctx, (yylsp[-1]), 'G', (yyvsp[-2].node), (yyvsp[0].node)); }
#line 2140 "build-clang/parser.c"
    break;

  case 79: /* expr: '-' expr  */
#line 177 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NEG, (yylsp[-1])); (yyval.node)->a = (yyvsp[0].node); }
#line 2146 "build-clang/parser.c"
    break;

  case 80: /* expr: "'grad'" expr  */
#line 178 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_GRAD, (yylsp[-1])); (yyval.node)->a = (yyvsp[0].node); }
#line 2152 "build-clang/parser.c"
    break;

  case 81: /* postfix: primary  */
#line 181 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 2158 "build-clang/parser.c"
    break;

  case 82: /* postfix: postfix '(' args ')'  */
#line 182 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_CALL, (yylsp[-2])), (yyvsp[-1].list)); (yyval.node)->a = (yyvsp[-3].node); (yyval.node)->loc = (yyvsp[-3].node)->loc; }
#line 2164 "build-clang/parser.c"
    break;

  case 83: /* postfix: postfix '.' "name"  */
#line 183 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_FIELD, (yylsp[0])); (yyval.node)->a = (yyvsp[-2].node); (yyval.node)->name = (yyvsp[0].str); }
#line 2170 "build-clang/parser.c"
    break;

  case 84: /* postfix: postfix '.' "number"  */
#line 184 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_FIELD, (yylsp[0])); (yyval.node)->a = (yyvsp[-2].node);
                                  char buf[32]; snprintf(buf, sizeof buf, "%.0f", (yyvsp[0].num));
                                  (yyval.node)->name = intern(buf); }
#line 2178 "build-clang/parser.c"
    break;

  case 85: /* postfix: postfix '\''  */
#line 187 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_TRANSPOSE, (yylsp[0])); (yyval.node)->a = (yyvsp[-1].node); }
#line 2184 "build-clang/parser.c"
    break;

  case 86: /* primary: "number"  */
#line 190 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NUM, (yylsp[0])); (yyval.node)->num = (yyvsp[0].num); }
#line 2190 "build-clang/parser.c"
    break;

  case 87: /* primary: "string"  */
#line 191 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_STR, (yylsp[0])); (yyval.node)->name = (yyvsp[0].str); }
#line 2196 "build-clang/parser.c"
    break;

  case 88: /* primary: "'true'"  */
#line 192 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_BOOL, (yylsp[0])); (yyval.node)->num = 1; }
#line 2202 "build-clang/parser.c"
    break;

  case 89: /* primary: "'false'"  */
#line 193 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_BOOL, (yylsp[0])); (yyval.node)->num = 0; }
#line 2208 "build-clang/parser.c"
    break;

  case 90: /* primary: "name"  */
#line 194 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_NAME, (yylsp[0])); (yyval.node)->name = (yyvsp[0].str); }
#line 2214 "build-clang/parser.c"
    break;

  case 91: /* primary: '(' expr ')'  */
#line 195 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[-1].node); }
#line 2220 "build-clang/parser.c"
    break;

  case 92: /* primary: '[' elems ']'  */
#line 196 "grammar/nnl.y"
                                { (yyval.node) = with_kids(NEW(N_LIST, (yylsp[-2])), (yyvsp[-1].list)); }
#line 2226 "build-clang/parser.c"
    break;

  case 93: /* primary: '[' ']'  */
#line 197 "grammar/nnl.y"
                                { (yyval.node) = NEW(N_LIST, (yylsp[-1])); }
#line 2232 "build-clang/parser.c"
    break;

  case 94: /* elems: expr  */
#line 200 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2238 "build-clang/parser.c"
    break;

  case 95: /* elems: elems ',' expr  */
#line 201 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2244 "build-clang/parser.c"
    break;

  case 96: /* elems: elems ','  */
#line 202 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 2250 "build-clang/parser.c"
    break;

  case 97: /* args: %empty  */
#line 205 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; }
#line 2256 "build-clang/parser.c"
    break;

  case 98: /* args: arglist  */
#line 206 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[0].list); }
#line 2262 "build-clang/parser.c"
    break;

  case 99: /* arglist: arg  */
#line 208 "grammar/nnl.y"
                                { (yyval.list) = (NodeList){0}; list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2268 "build-clang/parser.c"
    break;

  case 100: /* arglist: arglist ',' arg  */
#line 209 "grammar/nnl.y"
                                { (yyval.list) = (yyvsp[-2].list); list_push(ctx->ar, &(yyval.list), (yyvsp[0].node)); }
#line 2274 "build-clang/parser.c"
    break;

  case 101: /* arg: expr  */
#line 211 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 2280 "build-clang/parser.c"
    break;

  case 102: /* arg: kwarg  */
#line 212 "grammar/nnl.y"
                                { (yyval.node) = (yyvsp[0].node); }
#line 2286 "build-clang/parser.c"
    break;


#line 2290 "build-clang/parser.c"

      default: break;
    }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yytoken, &yylloc};
        char const *yymsgp = YY_("syntax error");
        int yysyntax_error_status;
        yysyntax_error_status = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
        if (yysyntax_error_status == 0)
          yymsgp = yymsg;
        else if (yysyntax_error_status == -1)
          {
            if (yymsg != yymsgbuf)
              YYSTACK_FREE (yymsg);
            yymsg = YY_CAST (char *,
                             YYSTACK_ALLOC (YY_CAST (YYSIZE_T, yymsg_alloc)));
            if (yymsg)
              {
                yysyntax_error_status
                  = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
                yymsgp = yymsg;
              }
            else
              {
                yymsg = yymsgbuf;
                yymsg_alloc = sizeof yymsgbuf;
                yysyntax_error_status = YYENOMEM;
              }
          }
        yyerror (&yylloc, scanner, ctx, yymsgp);
        if (yysyntax_error_status == YYENOMEM)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, scanner, ctx);
          yychar = YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, scanner, ctx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, scanner, ctx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, scanner, ctx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, scanner, ctx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yymsg != yymsgbuf)
    YYSTACK_FREE (yymsg);
  return yyresult;
}

#line 215 "grammar/nnl.y"


static void yyerror(YYLTYPE *l, void *scanner, ParseCtx *ctx, const char *msg) {
    LexState *ls = yyget_extra(scanner);
    ctx->failed = 1;
    if (ls->bad) return;           /* the lexer already said what was wrong */
    const char *prefix = "syntax error, ";
    if (strncmp(msg, prefix, strlen(prefix)) == 0) msg += strlen(prefix);
    diag_error(LOC(*l), "syntax error: %s", msg);
    if (ls->depth > 0 && ls->depth <= MAX_OPEN_BRACKETS) {
        int d = ls->depth - 1;
        diag_note(ls->open[d], "the '%c' opened here is not closed", ls->open_char[d]);
    }
}

Node *parse_source(Arena *ar, const char *file, const char *text) {
    yyscan_t scanner;
    LexState ls = { .line = 1, .col = 1, .file = file };
    ParseCtx ctx = { .ar = ar, .file = file };
    diag_add_source(file, text);
    yylex_init_extra(&ls, &scanner);
    YY_BUFFER_STATE buf = yy_scan_string(text, scanner);
    int rc = yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return rc == 0 && !ctx.failed ? ctx.root : NULL;
}
